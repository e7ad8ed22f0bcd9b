import CSodium

/// A secret held in libsodium guarded memory (`sodium_malloc`: guard pages, `mlock`, canary),
/// zeroed and freed when wiped or released. Secrets never live in Swift arrays or strings,
/// whose copies could not be wiped.
///
/// `@unchecked Sendable`: the bytes are written while the value is built, on one thread, and
/// only read afterwards; `wipe()` is called by the owner once nobody reads any more.
public final class SecureBytes: @unchecked Sendable {
    public let count: Int
    private let pointer: UnsafeMutableRawPointer
    private let inSlab: Bool
    private var wiped = false

    public convenience init(count: Int) throws {
        try Sodium.ensureInitialised()
        guard let p = sodium_malloc(max(count, 1)) else { throw CryptoError.secureMemoryUnavailable(bytes: count) }
        sodium_memzero(p, max(count, 1))
        self.init(pointer: p, count: count, inSlab: false)
    }

    /// A per-connection secret of at most 64 bytes, in a slot of `SecureSlab` (guarded and locked
    /// memory shared with other connections' secrets, without guard pages of its own), so that a
    /// connection costs no system calls for its keys. Larger sizes get their own `sodium_malloc`.
    convenience init(connectionSecretCount count: Int) throws {
        if count > SecureSlab.slotBytes {
            try self.init(count: count)
        } else {
            try Sodium.ensureInitialised()
            guard let slot = SecureSlab.shared.allocate() else { throw CryptoError.secureMemoryUnavailable(bytes: count) }
            self.init(pointer: slot, count: count, inSlab: true)
        }
    }

    /// Copies `bytes` into guarded memory. For public values and tests; real secrets are
    /// written in place with `withUnsafeMutableBytes` so that no ordinary copy exists.
    public convenience init(copying bytes: [UInt8]) throws {
        try self.init(count: bytes.count)
        withUnsafeMutableBytes { buffer in
            for (i, b) in bytes.enumerated() { buffer[i] = b }
        }
    }

    private init(pointer: UnsafeMutableRawPointer, count: Int, inSlab: Bool) {
        self.pointer = pointer
        self.count = count
        self.inSlab = inSlab
    }

    deinit {
        if inSlab { SecureSlab.shared.release(pointer) } else { sodium_free(pointer) }
    }

    public var isWiped: Bool { wiped }

    public func withUnsafeBytes<R>(_ body: (UnsafeRawBufferPointer) throws -> R) rethrows -> R {
        precondition(!wiped, "use of a wiped secret")
        return try body(UnsafeRawBufferPointer(start: pointer, count: count))
    }

    public func withUnsafeMutableBytes<R>(_ body: (UnsafeMutableRawBufferPointer) throws -> R) rethrows -> R {
        precondition(!wiped, "use of a wiped secret")
        return try body(UnsafeMutableRawBufferPointer(start: pointer, count: count))
    }

    /// Zeroes the secret now; further use is a programming error.
    public func wipe() {
        sodium_memzero(pointer, max(count, 1))
        wiped = true
    }

    /// Constant-time comparison.
    public func constantTimeEquals(_ other: SecureBytes) -> Bool {
        guard count == other.count else { return false }
        return withUnsafeBytes { a in other.withUnsafeBytes { b in sodium_memcmp(a.baseAddress, b.baseAddress, count) == 0 } }
    }

    /// A new guarded copy of `range`.
    public func slice(_ range: Range<Int>) throws -> SecureBytes {
        let out = try SecureBytes(count: range.count)
        withUnsafeBytes { src in
            out.withUnsafeMutableBytes { dst in
                dst.copyMemory(from: UnsafeRawBufferPointer(rebasing: src[range]))
            }
        }
        return out
    }
}
