/// The relay's bounded memory of envelopes it has already handled, keyed by a 128-bit BLAKE2b
/// digest of the whole envelope. Entries live `lifetime` milliseconds; at `capacity` the oldest
/// is forgotten first. Because every entry has the same lifetime, insertion order is expiry
/// order and a FIFO ring is enough. Not thread-safe: owned by `EphemeralRelay` under its lock.
struct RelayDedupCache {
    struct Digest: Hashable { let high: UInt64, low: UInt64 }

    let capacity: Int
    let lifetime: EpochMilliseconds
    private var expiries: [Digest: EpochMilliseconds] = [:]
    private var order: [Digest?]
    private var head = 0
    private var stored = 0

    init(capacity: Int, lifetime: EpochMilliseconds) {
        self.capacity = max(1, capacity)
        self.lifetime = lifetime
        order = Array(repeating: nil, count: self.capacity)
    }

    var count: Int { expiries.count }

    static func digest(of envelope: [UInt8]) -> Digest {
        let hash = Blake2b.hash(envelope, outputLength: 16)
        var r = BinaryReader(hash)
        // 16 bytes always decode into two u64s.
        let high = (try? r.u64()) ?? 0, low = (try? r.u64()) ?? 0
        return Digest(high: high, low: low)
    }

    /// Records `digest`; returns false when it was already there and still alive.
    mutating func insert(_ digest: Digest, now: EpochMilliseconds) -> Bool {
        evictExpired(now: now)
        if let expiry = expiries[digest], expiry > now { return false }
        if stored == capacity { evictOldest() }
        let slot = (head + stored) % capacity
        order[slot] = digest
        stored += 1
        expiries[digest] = now &+ lifetime
        return true
    }

    private mutating func evictExpired(now: EpochMilliseconds) {
        while stored > 0, let oldest = order[head], let expiry = expiries[oldest], expiry <= now {
            evictOldest()
        }
    }

    private mutating func evictOldest() {
        guard stored > 0 else { return }
        if let oldest = order[head] { expiries[oldest] = nil }
        order[head] = nil
        head = (head + 1) % capacity
        stored -= 1
    }
}
