/// Wire form of a block proof (inside a fork proof, which carries the index):
///
///     u64le L ‖ treeHash[32] ‖ signature[64] ‖ varint blockLength ‖ block ‖ varint n ‖ n × (hash[32] ‖ u64le size)
extension BlockProof {
    /// A valid proof has at most 122 nodes (61 path siblings and 61 other roots, for a log just
    /// under 2^62 blocks); this bounds a hostile count.
    public static let maxNodes = 128

    public func encode(into writer: inout BinaryWriter) {
        writer.u64(signed.length)
        writer.raw(signed.treeHash)
        writer.raw(signed.signature)
        writer.lengthPrefixed(block)
        writer.varint(UInt64(nodes.count))
        for node in nodes {
            writer.raw(node.hash)
            writer.u64(node.size)
        }
    }

    /// Reads a block proof of block `index`; throws `BinaryDecodingError` for anything outside
    /// the format's limits (L ≤ 2^62, index < L, block ≤ `EntryLimits.maxBlockBytes`, n ≤ 128).
    /// Whether the nodes fit the index and length is `verify`'s business.
    public init(index: UInt64, from reader: inout BinaryReader) throws {
        let length = try reader.u64()
        guard length <= FlatTree.maxLength else { throw BinaryDecodingError.invalidValue("log length \(length)") }
        guard index < length else { throw BinaryDecodingError.invalidValue("block \(index) of a log of \(length)") }
        let treeHash = try reader.raw(LogHash.hashLength)
        let signature = try reader.raw(SignedTree.signatureLength)
        let block = try reader.lengthPrefixed(limit: EntryLimits.maxBlockBytes)
        let count = try reader.varint()
        guard count <= UInt64(Self.maxNodes) else { throw BinaryDecodingError.lengthTooLarge(count) }
        var nodes: [ProofNode] = []
        nodes.reserveCapacity(Int(count))
        for _ in 0..<count {
            let hash = try reader.raw(LogHash.hashLength)
            nodes.append(ProofNode(hash: hash, size: try reader.u64()))
        }
        self.init(index: index, block: block,
                  signed: SignedTree(length: length, treeHash: treeHash, signature: signature), nodes: nodes)
    }
}
