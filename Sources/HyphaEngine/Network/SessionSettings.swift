import NIOCore

/// Per-session settings derived from `NetworkConfiguration`.
struct SessionSettings: Sendable {
    var local: LocalNode
    var limits = SyncLimits()
    /// Ephemeral messages accepted from one peer at once, and per second after that.
    var ephemeralBurst = 64
    var ephemeralPerSecond = 32.0
    /// How long a Close message may take to go out before the connection is cut anyway.
    var closeGrace: TimeAmount = .seconds(2)
}
