import CSodium

/// XChaCha20-Poly1305 (IETF) with random 24-byte nonces: entry payloads and ephemeral envelopes.
public enum XChaCha20Poly1305 {
    public static let keyLength = Int(crypto_aead_xchacha20poly1305_ietf_KEYBYTES)
    public static let nonceLength = Int(crypto_aead_xchacha20poly1305_ietf_NPUBBYTES)
    public static let tagLength = Int(crypto_aead_xchacha20poly1305_ietf_ABYTES)

    /// Returns `nonce ‖ ciphertext ‖ tag` with a fresh random nonce.
    public static func seal(_ plaintext: [UInt8], key: SecureBytes, associatedData: [UInt8] = []) -> [UInt8] {
        seal(plaintext, key: key, nonce: Sodium.randomBytes(nonceLength), associatedData: associatedData)
    }

    /// Returns `nonce ‖ ciphertext ‖ tag` for the given nonce (tests and deterministic callers).
    public static func seal(_ plaintext: [UInt8], key: SecureBytes, nonce: [UInt8], associatedData: [UInt8] = []) -> [UInt8] {
        precondition(key.count == keyLength && nonce.count == nonceLength)
        var out = [UInt8](repeating: 0, count: nonceLength + plaintext.count + tagLength)
        for i in 0..<nonceLength { out[i] = nonce[i] }
        var written: UInt64 = 0
        out.withUnsafeMutableBufferPointer { o in
            plaintext.withUnsafeBufferPointer { p in
                associatedData.withUnsafeBufferPointer { ad in
                    nonce.withUnsafeBufferPointer { n in
                        key.withUnsafeBytes { k in
                            _ = crypto_aead_xchacha20poly1305_ietf_encrypt(
                                o.baseAddress! + nonceLength, &written, p.baseAddress, UInt64(plaintext.count),
                                ad.baseAddress, UInt64(associatedData.count), nil, n.baseAddress!,
                                k.baseAddress!.assumingMemoryBound(to: UInt8.self))
                        }
                    }
                }
            }
        }
        return out
    }

    /// Opens `nonce ‖ ciphertext ‖ tag`; nil when it is too short, tampered or under another key.
    public static func open(_ sealed: [UInt8], key: SecureBytes, associatedData: [UInt8] = []) -> [UInt8]? {
        open(sealed[...], key: key, associatedData: associatedData)
    }

    public static func open(_ sealed: ArraySlice<UInt8>, key: SecureBytes, associatedData: [UInt8] = []) -> [UInt8]? {
        guard key.count == keyLength, sealed.count >= nonceLength + tagLength else { return nil }
        let cipherLength = sealed.count - nonceLength
        var out = [UInt8](repeating: 0, count: cipherLength - tagLength)
        var written: UInt64 = 0
        let rc = sealed.withUnsafeBufferPointer { s in
            out.withUnsafeMutableBufferPointer { o in
                associatedData.withUnsafeBufferPointer { ad in
                    key.withUnsafeBytes { k in
                        crypto_aead_xchacha20poly1305_ietf_decrypt(
                            o.baseAddress, &written, nil, s.baseAddress! + nonceLength, UInt64(cipherLength),
                            ad.baseAddress, UInt64(associatedData.count), s.baseAddress!,
                            k.baseAddress!.assumingMemoryBound(to: UInt8.self))
                    }
                }
            }
        }
        guard rc == 0 else { return nil }
        return out
    }
}
