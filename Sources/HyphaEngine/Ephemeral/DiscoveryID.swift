/// Names a database on the ephemeral channel without revealing it:
/// `BLAKE2b-256(key = database id bytes, message = "hypha/discovery/v1")`. Relays know the
/// database id, so they can compute it and forward only envelopes of their database.
public struct DiscoveryID: Hashable, Sendable, CustomStringConvertible {
    public static let length = 32
    public static let label: [UInt8] = Array("hypha/discovery/v1".utf8)
    public let bytes: [UInt8]

    public init(databaseID: DatabaseID) {
        bytes = Blake2b.hash(Self.label, outputLength: Self.length, key: databaseID.bytes)
    }

    init?(bytes: [UInt8]) {
        guard bytes.count == Self.length else { return nil }
        self.bytes = bytes
    }

    public var description: String { Hex.encode(bytes) }
}
