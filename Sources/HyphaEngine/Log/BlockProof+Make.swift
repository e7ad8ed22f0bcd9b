extension BlockProof {
    /// Blocks `range` of a log, in order.
    public typealias BlockSource = (Range<UInt64>) throws -> [[UInt8]]

    /// Subtrees up to this depth (4,096 blocks) are hashed from one read of the source; larger
    /// ones are split, so a proof never holds more than that many blocks at once.
    static let blocksPerRead: UInt64 = 1 << 12

    /// Builds the proof of block `index` for the log the writer signed at `signed.length`.
    /// `blocks` is asked only for ranges inside 0..<signed.length; every block of the log is
    /// hashed once (a rare path). Throws if the blocks do not make `signed.treeHash` (the
    /// signature is not checked: `verify(writer:)` does that).
    public static func make(index: UInt64, signed: SignedTree, blocks: BlockSource) throws -> BlockProof {
        let shape = try BlockProofShape(index: index, length: signed.length)
        let block = try read(index..<index + 1, from: blocks)[0]

        var nodes: [ProofNode] = []
        var position = FlatTree.leafIndex(block: index)
        while position != shape.coveringRoot {
            nodes.append(try ProofNode(subtree(FlatTree.sibling(position), from: blocks)))
            position = FlatTree.parent(position)
        }
        for root in shape.roots where root != shape.coveringRoot {
            nodes.append(try ProofNode(subtree(root, from: blocks)))
        }

        let proof = BlockProof(index: index, block: block, signed: signed, nodes: nodes)
        guard try proof.recompute().treeHash == signed.treeHash else {
            throw LogVerificationError.treeHashMismatch(length: signed.length)
        }
        return proof
    }

    /// The hash and size of the perfect subtree `node`.
    private static func subtree(_ node: UInt64, from blocks: BlockSource) throws -> TreeNode {
        let depth = FlatTree.depth(node)
        let count = UInt64(1) << depth
        if count <= blocksPerRead {
            let first = FlatTree.leftSpan(node) / 2
            // Node hashes depend on sizes and child hashes only, so the one root of these
            // 2^depth blocks hashed as a log of their own is this node.
            let roots = MerkleRoots(blocks: try read(first..<first + count, from: blocks)).roots
            guard roots.count == 1, let top = roots.first else {
                throw LogVerificationError.malformedProof(reason: "subtree \(node) is not perfect")
            }
            return TreeNode(index: node, size: top.size, hash: top.hash)
        }
        guard let children = FlatTree.children(node) else {
            throw LogVerificationError.malformedProof(reason: "subtree \(node) has no children")
        }
        return LogHash.parent(try subtree(children.left, from: blocks), try subtree(children.right, from: blocks))
    }

    private static func read(_ range: Range<UInt64>, from blocks: BlockSource) throws -> [[UInt8]] {
        let result = try blocks(range)
        guard UInt64(result.count) == range.upperBound - range.lowerBound else {
            throw LogVerificationError.blocksUnavailable(from: range.lowerBound, to: range.upperBound,
                                                        returned: result.count)
        }
        return result
    }
}

extension ProofNode {
    init(_ node: TreeNode) {
        self.init(hash: node.hash, size: node.size)
    }
}
