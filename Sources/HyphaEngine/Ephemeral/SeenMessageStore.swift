import Synchronization

/// The receiver's set of verified message ids (replay protection). Only ids of envelopes that
/// decrypted are ever inserted, so garbage cannot poison it; each id is kept until its expiry
/// (`sentAt` + 24 h), long after the 10-minute window would refuse the envelope anyway.
public protocol SeenMessageStore: Sendable {
    func contains(_ id: MessageID) throws -> Bool
    /// Inserts `id` unless present. Returns false when it was already there, which the receiver
    /// treats as a replay (two copies racing through `contains`).
    func insert(_ id: MessageID, expiresAt: EpochMilliseconds) throws -> Bool
    /// Forgets ids whose expiry is before `now`; returns how many.
    @discardableResult func removeExpired(now: EpochMilliseconds) throws -> Int
}

/// An in-memory seen-set for keyless relays' tests and short-lived tools. It does not survive
/// a restart; nodes use `GRDBSeenMessageStore`. Bounded: when full, the ids closest to expiry
/// are forgotten first (a tenth of the capacity at a time).
public final class InMemorySeenMessageStore: SeenMessageStore {
    public let capacity: Int
    private let entries = Mutex<[MessageID: EpochMilliseconds]>([:])

    public init(capacity: Int = 100_000) {
        self.capacity = max(1, capacity)
    }

    public var count: Int { entries.withLock { $0.count } }

    public func contains(_ id: MessageID) -> Bool {
        entries.withLock { $0[id] != nil }
    }

    public func insert(_ id: MessageID, expiresAt: EpochMilliseconds) -> Bool {
        entries.withLock { entries in
            guard entries[id] == nil else { return false }
            if entries.count >= capacity {
                let evict = entries.sorted { $0.value < $1.value }.prefix(max(1, capacity / 10))
                for (key, _) in evict { entries[key] = nil }
            }
            entries[id] = expiresAt
            return true
        }
    }

    @discardableResult public func removeExpired(now: EpochMilliseconds) -> Int {
        entries.withLock { entries in
            let before = entries.count
            entries = entries.filter { $0.value >= now }
            return before - entries.count
        }
    }
}
