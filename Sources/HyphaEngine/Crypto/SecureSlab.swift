import CSodium
import Synchronization

/// Guarded memory for the many small, short-lived secrets of connections (X25519 secrets, session
/// keys, binding keys, secretstream states). `sodium_malloc` costs about seven system calls per
/// secret (mmap, mprotect, mlock, madvise, and their undoing on free), which made them most of
/// the work of accepting a connection. The slab takes blocks of 1024 slots of 64 bytes from
/// `sodium_malloc` (guard pages and `mlock` around the block, not around each slot) and hands the
/// slots out; a slot is zeroed when it is given back. Blocks are kept for reuse: their number
/// follows the most connections held at once, which the network bounds. Thread-safe.
final class SecureSlab: Sendable {
    static let shared = SecureSlab()

    static let slotBytes = 64
    static let slotsPerBlock = 1024

    private struct State {
        var free: [UInt] = []      // slot addresses
        var blocks = 0
    }

    private let state = Mutex(State())

    /// A zeroed slot, or nil when guarded memory cannot be had.
    func allocate() -> UnsafeMutableRawPointer? {
        guard (try? Sodium.ensureInitialised()) != nil else { return nil }   // sodium_malloc aborts before sodium_init
        let address = state.withLock { s -> UInt? in
            if s.free.isEmpty {
                guard let block = sodium_malloc(Self.slotBytes * Self.slotsPerBlock) else { return nil }
                sodium_memzero(block, Self.slotBytes * Self.slotsPerBlock)
                let base = UInt(bitPattern: block)
                s.free.append(contentsOf: (0..<Self.slotsPerBlock).reversed().map { base + UInt($0 * Self.slotBytes) })
                s.blocks += 1
            }
            return s.free.popLast()
        }
        return address.flatMap { UnsafeMutableRawPointer(bitPattern: $0) }
    }

    /// Zeroes a slot and takes it back.
    func release(_ slot: UnsafeMutableRawPointer) {
        sodium_memzero(slot, Self.slotBytes)
        let address = UInt(bitPattern: slot)
        state.withLock { $0.free.append(address) }
    }

    /// (blocks taken from sodium_malloc, free slots), for tests.
    var usage: (blocks: Int, free: Int) { state.withLock { ($0.blocks, $0.free.count) } }
}
