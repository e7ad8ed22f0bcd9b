/// Storage form of `MerkleRoots` (a SQLite blob):
///
///     u8 version = 1 ‖ varint length ‖ for each root left→right: varint size ‖ hash[32]
///
/// Root indices are not stored: they follow from the length (`FlatTree.fullRoots`).
extension MerkleRoots {
    static let encodingVersion: UInt8 = 1

    public var encoded: [UInt8] {
        var writer = BinaryWriter(capacity: 11 + roots.count * (LogHash.hashLength + 10))
        writer.u8(Self.encodingVersion)
        writer.varint(length)
        for root in roots {
            writer.varint(root.size)
            writer.raw(root.hash)
        }
        return writer.bytes
    }

    /// Decodes `encoded`; throws `BinaryDecodingError` for anything it did not produce.
    public init(encoded: [UInt8]) throws {
        var reader = BinaryReader(encoded)
        let version = try reader.u8()
        guard version == Self.encodingVersion else { throw BinaryDecodingError.invalidValue("tree roots version \(version)") }
        let length = try reader.varint()
        guard length <= FlatTree.maxLength else { throw BinaryDecodingError.invalidValue("log length \(length)") }
        var roots: [TreeNode] = []
        var total: UInt64 = 0
        for index in FlatTree.fullRoots(forLength: length) {
            let size = try reader.varint()
            let (sum, overflow) = total.addingReportingOverflow(size)
            guard !overflow, sum <= FlatTree.maxLength else { throw BinaryDecodingError.invalidValue("log byte size") }
            total = sum
            roots.append(TreeNode(index: index, size: size, hash: try reader.raw(LogHash.hashLength)))
        }
        try reader.expectEnd()
        self.init(length: length, roots: roots)
    }
}
