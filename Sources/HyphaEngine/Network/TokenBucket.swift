import NIOCore

/// A token bucket: `capacity` events at once, refilled at `perSecond`. Used to drop a peer's
/// ephemeral flood before it reaches the owner.
struct TokenBucket {
    let capacity: Double
    let perSecond: Double
    private var tokens: Double
    private var last: NIODeadline?

    init(capacity: Int, perSecond: Double) {
        self.capacity = Double(capacity)
        self.perSecond = perSecond
        tokens = Double(capacity)
    }

    mutating func take(now: NIODeadline) -> Bool {
        if let last {
            let elapsed = Double((now - last).nanoseconds) / 1e9
            tokens = min(capacity, tokens + max(0, elapsed) * perSecond)
        }
        last = now
        guard tokens >= 1 else { return false }
        tokens -= 1
        return true
    }
}
