/// One node of a log's Merkle tree: its flat-tree index, the number of block bytes it covers and
/// its 32-byte BLAKE2b hash.
public struct TreeNode: Sendable, Hashable {
    public let index: UInt64
    public let size: UInt64
    public let hash: [UInt8]

    public init(index: UInt64, size: UInt64, hash: [UInt8]) {
        self.index = index
        self.size = size
        self.hash = hash
    }
}
