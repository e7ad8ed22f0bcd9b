import Synchronization

/// The limits a relay enforces (docs/PROTOCOL.md, "Relay rules").
public struct RelayLimits: Sendable {
    /// The protocol's one rate limit on ephemeral messages, per connection. The network applies
    /// the same numbers as the messages arrive (`SessionSettings`), so there is one rule.
    public static let standardMessagesPerSecond: Double = 20
    public static let standardBurst: Double = 40

    /// Hop count given to envelopes this node originates; also the most a relay honours.
    public var maximumHops: UInt8 = 4
    /// Per-connection token bucket: messages per second and burst.
    public var messagesPerSecond = standardMessagesPerSecond
    public var burst = standardBurst
    /// Relay dedup memory: entries and how long each is kept (longer than the 12-minute window
    /// an envelope is accepted in, so a fresh envelope cannot be relayed twice).
    public var dedupCapacity: Int = 65_536
    public var dedupLifetime: EpochMilliseconds = 15 * 60 * 1000
    /// Connections whose buckets are tracked at once; the least recently active is forgotten
    /// beyond this (it then starts again with a full bucket).
    public var trackedConnections: Int = 4_096

    public init() {}
}

/// What to do with an envelope that passed the relay rules.
public struct RelayDecision: Sendable, Equatable {
    /// Broadcast the envelope, unchanged, to every connection of this database except the one
    /// it came from, with this hop count; nil when no hops are left.
    public let forwardHops: UInt8?
    /// Hand the envelope to this node's `EphemeralReceiver` (nodes holding the channel key).
    public let deliverLocally: Bool
}

/// Why a relay dropped an envelope (silently; for counters and tests).
public enum RelayDropReason: Error, Equatable, Sendable {
    case rateLimited
    case envelope(EnvelopeRejection)
    case noHopsLeft
    case duplicate
}

/// Decides what every node, including keyless always-on nodes, does with an envelope it
/// receives: bounded size, magic and version, this database's discovery id, not stale, not
/// seen before (by envelope digest), a hop budget and a per-connection rate limit. It never
/// reads the body. Forwarding "except the source" is the caller's broadcast; the relay only
/// returns decisions, so memory stays bounded by the dedup cache and the bucket table.
///
/// Thread-safe: all mutable state sits behind one `Mutex`, so connections on several event
/// loops may call it.
public final class EphemeralRelay<Connection: Hashable & Sendable>: Sendable {
    public let discoveryID: DiscoveryID
    public let limits: RelayLimits
    public let deliversLocally: Bool
    private let now: @Sendable () -> EpochMilliseconds
    private let state: Mutex<State>

    private struct State {
        var dedup: RelayDedupCache
        var buckets: [Connection: TokenBucket] = [:]
    }

    /// `deliversLocally`: true on nodes that hold the channel key and run a receiver.
    public init(databaseID: DatabaseID, deliversLocally: Bool, limits: RelayLimits = RelayLimits(),
                now: @escaping @Sendable () -> EpochMilliseconds = EphemeralTiming.systemClock) {
        discoveryID = DiscoveryID(databaseID: databaseID)
        self.limits = limits
        self.deliversLocally = deliversLocally
        self.now = now
        state = Mutex(State(dedup: RelayDedupCache(capacity: limits.dedupCapacity, lifetime: limits.dedupLifetime)))
    }

    /// The rules, in order: rate limit (every message counts, garbage too), size, header,
    /// discovery id, time window, hop count, dedup.
    public func decide(_ envelope: [UInt8], hops: UInt8, from source: Connection) -> Result<RelayDecision, RelayDropReason> {
        let now = self.now()
        guard takeToken(for: source, now: now) else { return .failure(.rateLimited) }
        if case let .failure(rejection) = EphemeralEnvelope.screen(envelope, discoveryID: discoveryID, now: now,
                                                                   requireKnownType: false) {
            return .failure(.envelope(rejection))
        }
        guard hops > 0 else { return .failure(.noHopsLeft) }
        guard remember(envelope, now: now) else { return .failure(.duplicate) }
        // A peer cannot extend an envelope's reach by inflating its hop count.
        let remaining = min(hops, limits.maximumHops) - 1
        return .success(RelayDecision(forwardHops: remaining > 0 ? remaining : nil, deliverLocally: deliversLocally))
    }

    /// Records an envelope this node sends itself, so copies echoed back by peers are dropped.
    public func noteOwnEnvelope(_ envelope: [UInt8]) {
        _ = remember(envelope, now: now())
    }

    /// Forgets a closed connection's rate-limit bucket.
    public func connectionClosed(_ connection: Connection) {
        state.withLock { _ = $0.buckets.removeValue(forKey: connection) }
    }

    /// Entries held, for tests and status: (dedup entries, tracked connections).
    public var memoryUse: (dedupEntries: Int, trackedConnections: Int) {
        state.withLock { ($0.dedup.count, $0.buckets.count) }
    }

    private func remember(_ envelope: [UInt8], now: EpochMilliseconds) -> Bool {
        let digest = RelayDedupCache.digest(of: envelope)
        return state.withLock { $0.dedup.insert(digest, now: now) }
    }

    private func takeToken(for source: Connection, now: EpochMilliseconds) -> Bool {
        state.withLock { state in
            var bucket: TokenBucket
            if let known = state.buckets[source] {
                bucket = known
            } else {
                if state.buckets.count >= max(1, limits.trackedConnections),
                   let idlest = state.buckets.min(by: { ($0.value.updatedAt ?? 0) < ($1.value.updatedAt ?? 0) })?.key {
                    state.buckets[idlest] = nil
                }
                bucket = TokenBucket(capacity: limits.burst, perSecond: limits.messagesPerSecond)
            }
            let allowed = bucket.take(nowMilliseconds: now)
            state.buckets[source] = bucket
            return allowed
        }
    }
}
