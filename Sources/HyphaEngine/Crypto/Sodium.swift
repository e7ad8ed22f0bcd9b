import CSodium

/// libsodium initialisation, done once per process (thread-safe: Swift initialises globals lazily
/// and atomically, and `sodium_init` itself is idempotent).
public enum Sodium {
    private static let initialised: Bool = sodium_init() >= 0

    static func ensureInitialised() throws {
        guard initialised else { throw CryptoError.sodiumUnavailable }
    }

    /// Initialises libsodium if it was not yet, for code that works either way (hashing:
    /// `sodium_init` only picks the fastest implementation for this CPU).
    static func prepare() { _ = initialised }

    /// Called once when a program starts, so that a machine without usable randomness fails there
    /// with one line, before anything needs random bytes.
    public static func initialiseAtStart() throws { try ensureInitialised() }

    /// Cryptographically secure random bytes.
    static func randomBytes(_ count: Int) -> [UInt8] {
        precondition(initialised, "libsodium is not initialised")
        var out = [UInt8](repeating: 0, count: count)
        out.withUnsafeMutableBytes { randombytes_buf($0.baseAddress!, count) }
        return out
    }

    /// A uniformly random number in 0..<upperBound.
    static func randomUniform(_ upperBound: UInt32) -> UInt32 {
        precondition(initialised, "libsodium is not initialised")
        return randombytes_uniform(upperBound)
    }
}

/// Unkeyed and keyed BLAKE2b (libsodium `crypto_generichash`).
public enum Blake2b {
    public static func hash(_ parts: [UInt8]..., outputLength: Int = 32, key: [UInt8]? = nil) -> [UInt8] {
        hash(parts: parts, outputLength: outputLength, key: key)
    }

    public static func hash(parts: [[UInt8]], outputLength: Int = 32, key: [UInt8]? = nil) -> [UInt8] {
        Sodium.prepare()
        let statePointer = UnsafeMutableRawPointer.allocate(byteCount: crypto_generichash_statebytes(), alignment: 64)
        defer { statePointer.deallocate() }
        let state = OpaquePointer(statePointer)
        if let key {
            _ = key.withUnsafeBufferPointer { crypto_generichash_init(state, $0.baseAddress, key.count, outputLength) }
        } else {
            _ = crypto_generichash_init(state, nil, 0, outputLength)
        }
        for part in parts where !part.isEmpty {
            _ = part.withUnsafeBufferPointer { crypto_generichash_update(state, $0.baseAddress, UInt64(part.count)) }
        }
        var out = [UInt8](repeating: 0, count: outputLength)
        _ = out.withUnsafeMutableBufferPointer { crypto_generichash_final(state, $0.baseAddress!, outputLength) }
        return out
    }
}
