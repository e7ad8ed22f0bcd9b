import Foundation

/// Milliseconds since the Unix epoch, the unit of every ephemeral-channel timestamp.
public typealias EpochMilliseconds = UInt64

/// The time rules shared by receivers and relays (docs/PROTOCOL.md, the ephemeral channel).
public enum EphemeralTiming {
    /// Envelopes older than this are stale (10 minutes).
    public static let maximumAge: EpochMilliseconds = 10 * 60 * 1000
    /// Envelopes dated further ahead than this are refused (2 minutes of clock skew).
    public static let maximumFutureSkew: EpochMilliseconds = 2 * 60 * 1000
    /// A verified message id is remembered until `sentAt` plus this (24 hours).
    public static let seenRetention: EpochMilliseconds = 24 * 60 * 60 * 1000

    /// The wall clock. Everything else takes the clock as a parameter so that tests can use a
    /// test double for time.
    public static let systemClock: @Sendable () -> EpochMilliseconds = {
        EpochMilliseconds(max(0, Date().timeIntervalSince1970 * 1000))
    }

    /// Whether `sentAt` lies inside the accepted window around `now`; nil when it does, else why not.
    static func windowRejection(sentAt: EpochMilliseconds, now: EpochMilliseconds) -> EnvelopeRejection? {
        if sentAt > now { return sentAt - now > maximumFutureSkew ? .fromTheFuture : nil }
        return now - sentAt > maximumAge ? .stale : nil
    }
}
