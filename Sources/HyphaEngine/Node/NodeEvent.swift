/// What a running node tells its owner (the app, `serve`, `join`). Delivered on the node's
/// queue; owners hop to their own context.
public enum NodeEvent: Sendable {
    case listening(address: String)
    case peerConnected(PeerInfo)
    case peerDisconnected(address: String, reason: String)
    case connectFailed(address: String, reason: String, retryInSeconds: Double)
    /// A peer's logs are all caught up (or, with `remaining > 0`, still syncing).
    case syncProgress(peer: String, remaining: UInt64)
    /// The database changed: here or in another process on the same data directory.
    case databaseChanged(DatabaseChange)
    /// A verified request waits for a decision (shown as "Authorise node NAME?").
    case authorisationRequested(AuthorisationRecord)
    /// Pending requests changed (answered, expired, superseded).
    case requestsChanged
    /// This node's own join: code, then authorised / denied.
    case joinStatus(JoinStatus)
    /// An envelope addressed to this database was opened here (each message once per node;
    /// used to observe the channel, e.g. in tests and `serve --json`).
    case ephemeralReceived(messageID: String, type: String)
    /// Something the person should know about (one line).
    case notice(String)
    /// The database moved to a new passphrase (one candidate), or two successions conflict.
    case succession(SuccessionStatus)
}

/// Where this node's own authorisation stands.
public struct JoinStatus: Sendable, Equatable {
    public var requestID: RequestID?
    public var code: VerificationCode?
    public var state: JoinState
}
