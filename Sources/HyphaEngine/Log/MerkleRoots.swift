/// The roots of a log's Merkle tree at some length: everything needed to extend the tree, compute
/// its tree hash and sign it, without keeping the inner nodes. Appending merges equal-depth roots
/// like a binary counter adds one.
public struct MerkleRoots: Sendable, Equatable {
    /// Blocks in the log.
    public private(set) var length: UInt64
    /// The full roots, left to right (their indices are `FlatTree.fullRoots(forLength: length)`).
    public private(set) var roots: [TreeNode]

    /// The empty log.
    public init() {
        length = 0
        roots = []
    }

    /// The roots of a log holding exactly `blocks`.
    public init<Blocks: Sequence>(blocks: Blocks) where Blocks.Element == [UInt8] {
        self.init()
        append(blocks: blocks)
    }

    init(length: UInt64, roots: [TreeNode]) {
        self.length = length
        self.roots = roots
    }

    /// Bytes in all blocks of the log.
    public var byteLength: UInt64 { roots.reduce(0) { $0 + $1.size } }

    public mutating func append(block: [UInt8]) {
        append(leafHash: LogHash.leaf(block), size: UInt64(block.count))
    }

    public mutating func append<Blocks: Sequence>(blocks: Blocks) where Blocks.Element == [UInt8] {
        for block in blocks { append(block: block) }
    }

    /// Appends the block whose leaf hash is `leafHash` (32 bytes, from `LogHash.leaf`) and whose
    /// length is `size` bytes.
    public mutating func append(leafHash: [UInt8], size: UInt64) {
        precondition(leafHash.count == LogHash.hashLength, "a leaf hash is 32 bytes")
        var node = TreeNode(index: FlatTree.leafIndex(block: length), size: size, hash: leafHash)
        // The last root is the new node's left sibling exactly when both have the same depth.
        while let last = roots.last, FlatTree.depth(last.index) == FlatTree.depth(node.index) {
            roots.removeLast()
            node = LogHash.parent(last, node)
        }
        roots.append(node)
        length += 1
    }

    public var treeHash: [UInt8] { LogHash.tree(roots) }

    /// The 80 bytes the writer signs for this length.
    public var signable: [UInt8] { LogHash.signable(treeHash: treeHash, length: length) }
}
