import CSodium

/// One direction of `crypto_secretstream_xchacha20poly1305`. The state (which holds the derived
/// key) lives in guarded memory and is wiped by `wipe()`. Confined to one event loop.
final class SecretStreamSender {
    static let headerLength = Int(crypto_secretstream_xchacha20poly1305_HEADERBYTES)
    static let overhead = Int(crypto_secretstream_xchacha20poly1305_ABYTES)

    private let state: SecureBytes
    /// Sent once, in front of the first ciphertext of this direction.
    let header: [UInt8]

    init(key: SecureBytes) throws {
        state = try SecureBytes(connectionSecretCount: crypto_secretstream_xchacha20poly1305_statebytes())
        var header = [UInt8](repeating: 0, count: Self.headerLength)
        state.withUnsafeMutableBytes { s in
            key.withUnsafeBytes { k in
                _ = header.withUnsafeMutableBufferPointer { h in
                    crypto_secretstream_xchacha20poly1305_init_push(
                        s.baseAddress!.assumingMemoryBound(to: crypto_secretstream_xchacha20poly1305_state.self),
                        h.baseAddress!, k.baseAddress!.assumingMemoryBound(to: UInt8.self))
                }
            }
        }
        self.header = header
    }

    /// Encrypts `plaintext` (tag MESSAGE) into `out`, which has `plaintext.count + overhead` bytes.
    func seal(_ plaintext: UnsafeRawBufferPointer, into out: UnsafeMutableRawBufferPointer) {
        precondition(out.count >= plaintext.count + Self.overhead)
        state.withUnsafeMutableBytes { s in
            _ = crypto_secretstream_xchacha20poly1305_push(
                s.baseAddress!.assumingMemoryBound(to: crypto_secretstream_xchacha20poly1305_state.self),
                out.baseAddress!.assumingMemoryBound(to: UInt8.self), nil,
                plaintext.baseAddress?.assumingMemoryBound(to: UInt8.self), UInt64(plaintext.count),
                nil, 0, UInt8(crypto_secretstream_xchacha20poly1305_TAG_MESSAGE))
        }
    }

    func seal(_ plaintext: [UInt8]) -> [UInt8] {
        var out = [UInt8](repeating: 0, count: plaintext.count + Self.overhead)
        plaintext.withUnsafeBytes { p in out.withUnsafeMutableBytes { o in seal(p, into: o) } }
        return out
    }

    func wipe() { if !state.isWiped { state.wipe() } }
}

final class SecretStreamReceiver {
    private let state: SecureBytes

    init<C: Collection>(key: SecureBytes, header: C) throws where C.Element == UInt8 {
        let header = Array(header)
        guard header.count == SecretStreamSender.headerLength else { throw SecureChannelError.badStreamHeader }
        state = try SecureBytes(connectionSecretCount: crypto_secretstream_xchacha20poly1305_statebytes())
        let rc = state.withUnsafeMutableBytes { s in
            key.withUnsafeBytes { k in
                header.withUnsafeBufferPointer { h in
                    crypto_secretstream_xchacha20poly1305_init_pull(
                        s.baseAddress!.assumingMemoryBound(to: crypto_secretstream_xchacha20poly1305_state.self),
                        h.baseAddress!, k.baseAddress!.assumingMemoryBound(to: UInt8.self))
                }
            }
        }
        guard rc == 0 else {
            state.wipe()
            throw SecureChannelError.badStreamHeader
        }
    }

    /// Decrypts one ciphertext; only the MESSAGE tag is accepted.
    func open(_ ciphertext: UnsafeRawBufferPointer) throws -> [UInt8] {
        guard ciphertext.count >= SecretStreamSender.overhead else { throw SecureChannelError.decryptionFailed }
        let length = ciphertext.count - SecretStreamSender.overhead
        var tag: UInt8 = 0
        var rc: Int32 = -1
        let plaintext = [UInt8](unsafeUninitializedCapacity: max(length, 1)) { buffer, initialised in
            rc = state.withUnsafeMutableBytes { s in
                crypto_secretstream_xchacha20poly1305_pull(
                    s.baseAddress!.assumingMemoryBound(to: crypto_secretstream_xchacha20poly1305_state.self),
                    buffer.baseAddress!, nil, &tag,
                    ciphertext.baseAddress!.assumingMemoryBound(to: UInt8.self), UInt64(ciphertext.count), nil, 0)
            }
            initialised = rc == 0 ? length : 0
        }
        guard rc == 0 else { throw SecureChannelError.decryptionFailed }
        guard tag == UInt8(crypto_secretstream_xchacha20poly1305_TAG_MESSAGE) else { throw SecureChannelError.unexpectedTag(tag) }
        return plaintext
    }

    func open(_ ciphertext: [UInt8]) throws -> [UInt8] {
        try ciphertext.withUnsafeBytes { try open($0) }
    }

    func wipe() { if !state.isWiped { state.wipe() } }
}
