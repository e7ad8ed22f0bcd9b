import NIOCore

/// Per-session settings derived from `NetworkConfiguration`.
struct SessionSettings: Sendable {
    var local: LocalNode
    var limits = SyncLimits()
    /// Ephemeral messages accepted from one peer at once, and per second after that: the relay's
    /// limit (one rule, PROTOCOL.md "Relay rules"), checked here too as they arrive so that a flood
    /// is dropped on the event loop before it is queued for the node.
    var ephemeralBurst = RelayLimits.standardBurst
    var ephemeralPerSecond = RelayLimits.standardMessagesPerSecond
    /// How long a Close message may take to go out before the connection is cut anyway.
    var closeGrace: TimeAmount = .seconds(2)
    /// The node's budget for blocks peers push unasked that do not count here (all sessions
    /// share it); nil: no limit.
    var unaskedUncounted: SharedTokenBucket?
}
