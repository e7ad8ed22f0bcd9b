import Dispatch
import Synchronization

/// A token bucket: up to `capacity` events at once, refilled at `perSecond`; each event takes
/// one token (or `amount`). Time comes from the caller in milliseconds, so a test clock can drive
/// it. Used to rate-limit ephemeral messages per connection (network sessions and relays) and
/// the bytes a node forwards.
struct TokenBucket: Sendable {
    let capacity: Double
    let perSecond: Double
    private(set) var tokens: Double
    private(set) var updatedAt: UInt64?

    init(capacity: Double, perSecond: Double) {
        self.capacity = capacity
        self.perSecond = perSecond
        tokens = capacity
    }

    mutating func take(_ amount: Double = 1, nowMilliseconds now: UInt64) -> Bool {
        if let updatedAt, now > updatedAt {
            tokens = min(capacity, tokens + Double(now - updatedAt) * perSecond / 1000)
        }
        if updatedAt.map({ now > $0 }) ?? true { updatedAt = now }
        guard tokens >= amount else { return false }
        tokens -= amount
        return true
    }
}

/// A token bucket several threads draw from (sessions on different event loops).
final class SharedTokenBucket: Sendable {
    private let bucket: Mutex<TokenBucket>

    init(capacity: Double, perSecond: Double) {
        bucket = Mutex(TokenBucket(capacity: capacity, perSecond: perSecond))
    }

    func take(_ amount: Double, nowMilliseconds now: UInt64 = DispatchTime.now().uptimeNanoseconds / 1_000_000) -> Bool {
        bucket.withLock { $0.take(amount, nowMilliseconds: now) }
    }
}
