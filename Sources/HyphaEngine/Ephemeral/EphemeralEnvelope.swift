/// An ephemeral envelope: `header[64] ‖ nonce[24] ‖ XChaCha20-Poly1305 ciphertext ‖ tag[16]`
/// under the channel key, with the 64 header bytes (not the nonce) as associated data; the nonce
/// is authenticated by the AEAD itself. At most 4096 bytes in all.
public enum EphemeralEnvelope {
    public static let maximumLength = 4096
    public static let minimumLength = EnvelopeHeader.length + XChaCha20Poly1305.nonceLength + XChaCha20Poly1305.tagLength
    /// The largest plaintext body that fits (3992 bytes).
    public static let maximumBodyLength = maximumLength - minimumLength

    /// Seals `body` into a new envelope with a fresh random nonce (and message id unless given).
    public static func seal(type: EphemeralMessageType, body: [UInt8], discoveryID: DiscoveryID, channelKey: SecureBytes,
                            sentAt: EpochMilliseconds, messageID: MessageID = .random()) throws -> [UInt8] {
        guard body.count <= maximumBodyLength else {
            throw EphemeralError.bodyTooLarge(bytes: body.count, limit: maximumBodyLength)
        }
        guard channelKey.count == XChaCha20Poly1305.keyLength else { throw CryptoError.invalidKey("channel key length") }
        let header = EnvelopeHeader(type: type, discoveryID: discoveryID, messageID: messageID, sentAt: sentAt).encoded
        return header + XChaCha20Poly1305.seal(body, key: channelKey, associatedData: header)
    }

    /// The checks that need no key, in the order receivers and relays apply them: size, header
    /// (magic, version, flags), the type when `requireKnownType`, the discovery id, the time window.
    static func screen(_ envelope: [UInt8], discoveryID: DiscoveryID, now: EpochMilliseconds,
                       requireKnownType: Bool) -> Result<EnvelopeHeader, EnvelopeRejection> {
        guard envelope.count <= maximumLength else { return .failure(.tooLarge(envelope.count)) }
        guard envelope.count >= minimumLength else { return .failure(.tooShort(envelope.count)) }
        let header: EnvelopeHeader
        switch EnvelopeHeader.decode(envelope) {
        case let .success(h): header = h
        case let .failure(rejection): return .failure(rejection)
        }
        if requireKnownType, header.type == nil { return .failure(.unknownType(header.typeCode)) }
        guard header.discoveryID == discoveryID else { return .failure(.otherDatabase) }
        if let late = EphemeralTiming.windowRejection(sentAt: header.sentAt, now: now) { return .failure(late) }
        return .success(header)
    }

    /// The plaintext body, or nil when the envelope does not authenticate under `channelKey`.
    static func open(_ envelope: [UInt8], channelKey: SecureBytes) -> [UInt8]? {
        guard envelope.count >= minimumLength else { return nil }
        return XChaCha20Poly1305.open(envelope[EnvelopeHeader.length...], key: channelKey,
                                      associatedData: Array(envelope[0..<EnvelopeHeader.length]))
    }
}

/// A decrypted, authenticated, first-seen envelope.
public struct EphemeralMessage: Sendable, Equatable {
    public let header: EnvelopeHeader
    public let type: EphemeralMessageType
    public let body: [UInt8]
}
