import CSodium

/// An Ed25519 public key: a database id, a device (writer) key.
public struct PublicKey: Hashable, Comparable, Sendable, CustomStringConvertible {
    public static let length = 32
    public let bytes: [UInt8]

    public init?(bytes: [UInt8]) {
        guard bytes.count == Self.length else { return nil }
        self.bytes = bytes
    }

    public init?(hex: String) {
        guard let bytes = Hex.decode(hex) else { return nil }
        self.init(bytes: bytes)
    }

    public var hex: String { Hex.encode(bytes) }
    /// The first 8 hex digits, for display next to names.
    public var shortHex: String { String(hex.prefix(8)) }
    public var description: String { hex }

    public static func < (a: PublicKey, b: PublicKey) -> Bool { a.bytes.lexicographicallyPrecedes(b.bytes) }

    /// Whether the key is a valid, canonical, full-order curve point (refuses zeros,
    /// small-order points and non-canonical encodings).
    public var isValidPoint: Bool {
        bytes.withUnsafeBufferPointer { crypto_core_ed25519_is_valid_point($0.baseAddress!) == 1 }
    }

    /// Verifies a detached Ed25519 signature over the exact `message` bytes.
    public func verify(signature: [UInt8], message: [UInt8]) -> Bool {
        guard signature.count == Int(crypto_sign_BYTES) else { return false }
        return message.withUnsafeBufferPointer { m in
            signature.withUnsafeBufferPointer { s in
                bytes.withUnsafeBufferPointer { k in
                    crypto_sign_verify_detached(s.baseAddress!, m.baseAddress, UInt64(message.count), k.baseAddress!) == 0
                }
            }
        }
    }
}

/// The database id is the database root public key.
public typealias DatabaseID = PublicKey

/// An Ed25519 key pair whose secret half lives in guarded memory.
public final class SigningKeyPair: @unchecked Sendable {
    public let publicKey: PublicKey
    let secretKey: SecureBytes   // 64 bytes: seed ‖ public key, libsodium layout

    /// Derives the pair from a 32-byte seed (`crypto_sign_seed_keypair`).
    public init(seed: SecureBytes) throws {
        precondition(seed.count == Int(crypto_sign_SEEDBYTES))
        let secret = try SecureBytes(count: Int(crypto_sign_SECRETKEYBYTES))
        var pk = [UInt8](repeating: 0, count: Int(crypto_sign_PUBLICKEYBYTES))
        let rc = seed.withUnsafeBytes { s in
            secret.withUnsafeMutableBytes { sk in
                pk.withUnsafeMutableBufferPointer { p in
                    crypto_sign_seed_keypair(p.baseAddress!, sk.baseAddress!.assumingMemoryBound(to: UInt8.self),
                                             s.baseAddress!.assumingMemoryBound(to: UInt8.self))
                }
            }
        }
        guard rc == 0, let key = PublicKey(bytes: pk) else { throw CryptoError.invalidKey("seed") }
        publicKey = key
        secretKey = secret
    }

    /// A detached Ed25519 signature over `message`.
    public func sign(_ message: [UInt8]) -> [UInt8] {
        var signature = [UInt8](repeating: 0, count: Int(crypto_sign_BYTES))
        message.withUnsafeBufferPointer { m in
            secretKey.withUnsafeBytes { sk in
                _ = signature.withUnsafeMutableBufferPointer { s in
                    crypto_sign_detached(s.baseAddress!, nil, m.baseAddress, UInt64(message.count),
                                         sk.baseAddress!.assumingMemoryBound(to: UInt8.self))
                }
            }
        }
        return signature
    }

    public func wipe() { secretKey.wipe() }
    public var isWiped: Bool { secretKey.isWiped }
}
