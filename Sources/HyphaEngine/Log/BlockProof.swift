/// A node of a block proof: its hash and the block bytes it covers. Its flat-tree index is not
/// carried; it follows from the proof's block index and signed length.
public struct ProofNode: Sendable, Equatable {
    public var hash: [UInt8]
    public var size: UInt64

    public init(hash: [UInt8], size: UInt64) {
        self.hash = hash
        self.size = size
    }
}

/// Proves that block `index` of a writer's log is `block`, in the tree the writer signed at
/// L = `signed.length`, without the rest of the log.
public struct BlockProof: Sendable, Equatable {
    public var index: UInt64
    public var block: [UInt8]
    public var signed: SignedTree
    /// Bottom-up: the sibling of each node on the path from leaf 2·index up to the root of L
    /// that covers the block; then every other root of L, left to right.
    public var nodes: [ProofNode]

    public init(index: UInt64, block: [UInt8], signed: SignedTree, nodes: [ProofNode]) {
        self.index = index
        self.block = block
        self.signed = signed
        self.nodes = nodes
    }

    /// Checks the proof against `writer`'s signature and returns the prefix roots of `index`:
    /// the nodes that exactly tile blocks 0..<index, left to right (equal to the roots of the
    /// log cut at `index`).
    public func verify(writer: PublicKey) throws(LogVerificationError) -> [TreeNode] {
        let recomputed = try recompute()
        guard recomputed.treeHash == signed.treeHash else { throw .treeHashMismatch(length: signed.length) }
        guard signed.verify(writer: writer) else { throw .badSignature(length: signed.length) }
        return recomputed.prefixRoots
    }

    /// The tree hash the block and nodes make at `signed.length`, and the prefix roots of
    /// `index`; checks the proof's shape first, so that nothing here can trap.
    func recompute() throws(LogVerificationError) -> (treeHash: [UInt8], prefixRoots: [TreeNode]) {
        let shape = try BlockProofShape(index: index, length: signed.length)
        guard nodes.count == shape.nodeCount else {
            throw .proofNodeCount(expected: shape.nodeCount, actual: nodes.count)
        }
        guard nodes.allSatisfy({ $0.hash.count == LogHash.hashLength }) else {
            throw .malformedProof(reason: "a node hash is not \(LogHash.hashLength) bytes")
        }
        // Every node covers other blocks, so the sizes add up to the log's byte length; bounding
        // that sum bounds every partial sum LogHash.parent makes.
        var total = UInt64(block.count)
        for node in nodes {
            let (sum, overflow) = total.addingReportingOverflow(node.size)
            guard !overflow, sum <= FlatTree.maxLength else { throw .malformedProof(reason: "node sizes overflow") }
            total = sum
        }

        var node = TreeNode(index: FlatTree.leafIndex(block: index), size: UInt64(block.count),
                            hash: LogHash.leaf(block))
        var leftSiblings: [TreeNode] = []   // bottom-up, so right to left
        for proofNode in nodes[..<shape.pathLength] {
            let sibling = TreeNode(index: FlatTree.sibling(node.index), size: proofNode.size, hash: proofNode.hash)
            if sibling.index < node.index { leftSiblings.append(sibling) }
            node = LogHash.parent(node, sibling)
        }

        var otherRoots = nodes[shape.pathLength...].makeIterator()
        var roots: [TreeNode] = []
        for (position, rootIndex) in shape.roots.enumerated() {
            if position == shape.coveringPosition {
                roots.append(node)
            } else if let other = otherRoots.next() {
                roots.append(TreeNode(index: rootIndex, size: other.size, hash: other.hash))
            }
        }
        let rootsBefore = roots[..<shape.coveringPosition]
        return (LogHash.tree(roots), Array(rootsBefore) + leftSiblings.reversed())
    }
}

/// Where block `index` sits in the tree of a log of `length` blocks: the roots, which of them
/// covers the block, and how many nodes a proof of it carries.
struct BlockProofShape {
    let roots: [UInt64]
    let coveringPosition: Int
    /// The depth of the covering root: the number of siblings on the path up to it.
    let pathLength: Int

    init(index: UInt64, length: UInt64) throws(LogVerificationError) {
        guard length <= FlatTree.maxLength, index < length else {
            throw .proofOutOfRange(index: index, length: length)
        }
        roots = FlatTree.fullRoots(forLength: length)
        let leaf = FlatTree.leafIndex(block: index)
        // Roots are left to right, so the first whose span reaches the leaf covers it.
        guard let position = roots.firstIndex(where: { FlatTree.rightSpan($0) >= leaf }) else {
            throw .proofOutOfRange(index: index, length: length)
        }
        coveringPosition = position
        pathLength = Int(FlatTree.depth(roots[position]))
    }

    var coveringRoot: UInt64 { roots[coveringPosition] }
    var nodeCount: Int { pathLength + roots.count - 1 }
}
