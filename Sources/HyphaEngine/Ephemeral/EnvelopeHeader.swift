/// The clear header of an ephemeral envelope (64 bytes, little-endian integers):
/// `"HYEM" ‖ u8 version = 1 ‖ u8 type ‖ u16 flags = 0 ‖ discoveryID[32] ‖ messageID[16] ‖ u64 sentAt`.
/// Every header byte is the AEAD's associated data, so none can change undetected.
public struct EnvelopeHeader: Sendable, Equatable {
    public static let magic: [UInt8] = Array("HYEM".utf8)
    public static let currentVersion: UInt8 = 1
    public static let length = 64

    /// The raw type byte; relays forward types they do not know, receivers refuse them.
    public let typeCode: UInt8
    public let discoveryID: DiscoveryID
    public let messageID: MessageID
    public let sentAt: EpochMilliseconds

    public init(type: EphemeralMessageType, discoveryID: DiscoveryID, messageID: MessageID, sentAt: EpochMilliseconds) {
        self.init(typeCode: type.rawValue, discoveryID: discoveryID, messageID: messageID, sentAt: sentAt)
    }

    init(typeCode: UInt8, discoveryID: DiscoveryID, messageID: MessageID, sentAt: EpochMilliseconds) {
        self.typeCode = typeCode
        self.discoveryID = discoveryID
        self.messageID = messageID
        self.sentAt = sentAt
    }

    public var type: EphemeralMessageType? { EphemeralMessageType(rawValue: typeCode) }

    public var encoded: [UInt8] {
        var w = BinaryWriter(capacity: Self.length)
        w.raw(Self.magic)
        w.u8(Self.currentVersion)
        w.u8(typeCode)
        w.u16(0)
        w.raw(discoveryID.bytes)
        w.raw(messageID.bytes)
        w.u64(sentAt)
        return w.bytes
    }

    /// Parses the first 64 bytes of `envelope`, checking magic, version and flags.
    static func decode(_ envelope: [UInt8]) -> Result<EnvelopeHeader, EnvelopeRejection> {
        guard envelope.count >= length else { return .failure(.tooShort(envelope.count)) }
        var r = BinaryReader(envelope[0..<length])
        do {
            guard try r.raw(magic.count) == magic else { return .failure(.badMagic) }
            let version = try r.u8()
            guard version == currentVersion else { return .failure(.unsupportedVersion(version)) }
            let typeCode = try r.u8()
            let flags = try r.u16()
            guard flags == 0 else { return .failure(.unsupportedFlags(flags)) }
            guard let discovery = DiscoveryID(bytes: try r.raw(DiscoveryID.length)),
                  let messageID = MessageID(bytes: try r.raw(MessageID.length)) else { return .failure(.tooShort(envelope.count)) }
            let sentAt = try r.u64()
            return .success(EnvelopeHeader(typeCode: typeCode, discoveryID: discovery, messageID: messageID, sentAt: sentAt))
        } catch {
            return .failure(.tooShort(envelope.count))
        }
    }
}
