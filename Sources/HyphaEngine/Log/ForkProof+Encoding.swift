/// Wire and storage form of a fork proof:
///
///     u8 version (= 1) ‖ writer[32] ‖ varint index ‖ blockProof(first) ‖ blockProof(second)
extension ForkProof {
    static let encodingVersion: UInt8 = 1

    /// No valid encoding is longer: two maximal block proofs and the header.
    public static let maxEncodedBytes = 1 + PublicKey.length + 10 + 2 * maxBlockProofBytes
    private static let maxBlockProofBytes = 8 + LogHash.hashLength + SignedTree.signatureLength
        + 10 + EntryLimits.maxBlockBytes + 10 + BlockProof.maxNodes * (LogHash.hashLength + 8)

    public var encoded: [UInt8] {
        var out = BinaryWriter(capacity: 1 + PublicKey.length + 10 + Self.encodedCount(first) + Self.encodedCount(second))
        out.u8(Self.encodingVersion)
        out.raw(writer.bytes)
        out.varint(index)
        first.encode(into: &out)
        second.encode(into: &out)
        return out.bytes
    }

    private static func encodedCount(_ proof: BlockProof) -> Int {
        8 + LogHash.hashLength + SignedTree.signatureLength + 10 + proof.block.count + 10
            + proof.nodes.count * (LogHash.hashLength + 8)
    }

    /// Decodes `encoded`; throws `BinaryDecodingError` for truncation, trailing bytes, another
    /// version, anything over the limits, and block proofs not in canonical order (so one fork
    /// between two signed trees has one encoding). Verifying is separate: `verify()`.
    public init(encoded: [UInt8]) throws {
        guard encoded.count <= Self.maxEncodedBytes else { throw BinaryDecodingError.lengthTooLarge(UInt64(encoded.count)) }
        var reader = BinaryReader(encoded)
        let version = try reader.u8()
        guard version == Self.encodingVersion else { throw BinaryDecodingError.invalidValue("fork proof version \(version)") }
        guard let writer = PublicKey(bytes: try reader.raw(PublicKey.length)) else {
            throw BinaryDecodingError.invalidValue("writer key")
        }
        let index = try reader.varint()
        let first = try BlockProof(index: index, from: &reader)
        let second = try BlockProof(index: index, from: &reader)
        try reader.expectEnd()
        guard !Self.canonicallyPrecedes(second.signed, first.signed) else {
            throw BinaryDecodingError.invalidValue("fork proof order")
        }
        self.init(writer: writer, index: index, first: first, second: second)
    }
}
