/// A token bucket: `rate` tokens per second up to `burst`; each message takes one.
/// Time comes from the caller (milliseconds), so it is deterministic under a test clock.
struct TokenBucket: Sendable {
    private(set) var tokens: Double
    private(set) var updatedAt: EpochMilliseconds

    init(burst: Double, now: EpochMilliseconds) {
        tokens = burst
        updatedAt = now
    }

    mutating func take(now: EpochMilliseconds, rate: Double, burst: Double) -> Bool {
        if now > updatedAt {
            tokens = min(burst, tokens + Double(now - updatedAt) * rate / 1000)
            updatedAt = now
        }
        guard tokens >= 1 else { return false }
        tokens -= 1
        return true
    }
}
