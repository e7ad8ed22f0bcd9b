import CSodium

/// An 8-byte `crypto_kdf` context. libsodium reads exactly 8 bytes, so a longer or shorter
/// context (the 2019 spike used 12-byte "localStorage") is refused at construction.
public struct KDFContext: Sendable, Equatable {
    public let bytes: [UInt8]

    public init(_ text: StaticString) {
        let bytes = text.withUTF8Buffer { Array($0) }
        precondition(bytes.count == Int(crypto_kdf_CONTEXTBYTES), "a crypto_kdf context is exactly 8 bytes")
        self.bytes = bytes
    }

    public static let root = KDFContext("HyRoot01")
    public static let channel = KDFContext("HyChan01")
    public static let data = KDFContext("HyData01")
    public static let deviceSigning = KDFContext("HyDvSg01")
}

/// Key derivation v1, exactly as pinned in docs/PROTOCOL.md. The numbers are literals on purpose:
/// libsodium's presets may change between releases and derivation must never change.
public enum KeyDerivationV1 {
    public static let saltLabel = "hypha:v1:"
    public static let opsLimit: UInt64 = 3
    public static let memLimit: Int = 268_435_456
    public static let masterKeyLength = 32
    public static let subkeyLength = 32

    /// `crypto_generichash(16, "hypha:v1:" ‖ domain)` (unkeyed BLAKE2b-128).
    public static func salt(canonicalDomain domain: String) -> [UInt8] {
        Blake2b.hash(Array((saltLabel + domain).utf8), outputLength: Int(crypto_pwhash_SALTBYTES))
    }

    /// `M = crypto_pwhash(32, passphrase, salt, 3, 268435456, Argon2id13)`. Slow (~0.4 s) and
    /// 256 MiB of memory: never call it on a UI thread.
    public static func master(canonicalPassphrase: SecureBytes, salt: [UInt8]) throws -> SecureBytes {
        try argon2id(password: canonicalPassphrase, salt: salt, opsLimit: opsLimit, memLimit: memLimit, length: masterKeyLength)
    }

    /// `crypto_pwhash` with Argon2id13 and explicit parameters (exposed for known-answer tests).
    static func argon2id(password: SecureBytes, salt: [UInt8], opsLimit: UInt64, memLimit: Int, length: Int) throws -> SecureBytes {
        precondition(salt.count >= Int(crypto_pwhash_SALTBYTES))
        let out = try SecureBytes(count: length)
        let rc = password.withUnsafeBytes { pw in
            out.withUnsafeMutableBytes { o in
                salt.withUnsafeBufferPointer { s in
                    crypto_pwhash(o.baseAddress!.assumingMemoryBound(to: UInt8.self), UInt64(length),
                                  pw.baseAddress!.assumingMemoryBound(to: CChar.self), UInt64(pw.count),
                                  s.baseAddress!, opsLimit, memLimit, crypto_pwhash_ALG_ARGON2ID13)
                }
            }
        }
        guard rc == 0 else { out.wipe(); throw CryptoError.keyDerivationFailed }
        return out
    }

    /// `crypto_kdf_derive_from_key(32, id, context, M)`.
    public static func subkey(of master: SecureBytes, id: UInt64, context: KDFContext, length: Int = subkeyLength) throws -> SecureBytes {
        precondition(master.count == Int(crypto_kdf_KEYBYTES))
        let key = try SecureBytes(count: length)
        let rc = master.withUnsafeBytes { m in
            key.withUnsafeMutableBytes { out in
                context.bytes.withUnsafeBufferPointer { ctx in
                    ctx.withMemoryRebound(to: CChar.self) { c in
                        crypto_kdf_derive_from_key(out.baseAddress!.assumingMemoryBound(to: UInt8.self), length, id,
                                                   c.baseAddress!, m.baseAddress!.assumingMemoryBound(to: UInt8.self))
                    }
                }
            }
        }
        guard rc == 0 else { key.wipe(); throw CryptoError.keyDerivationFailed }
        return key
    }
}
