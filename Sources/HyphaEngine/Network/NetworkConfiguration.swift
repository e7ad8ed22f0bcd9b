import NIOCore

/// Everything a `PeerNetwork` needs besides its store. Times are `TimeAmount`s so tests can
/// shrink them.
public struct NetworkConfiguration: Sendable {
    /// Shown to peers (at most 64 bytes of UTF-8; longer names are cut).
    public var nodeName: String
    public var flags: PeerFlags
    /// Send a Ping when nothing was written for this long…
    public var pingAfterIdle: TimeAmount = .seconds(15)
    /// …and close when nothing was received for this long.
    public var closeAfterSilence: TimeAmount = .seconds(45)
    /// A connection whose session is not open by then is closed.
    public var handshakeTimeout: TimeAmount = .seconds(5)
    public var connectTimeout: TimeAmount = .seconds(10)
    /// Reconnect delays: `initialDelay × 2^attempt`, at most `maxDelay`, minus a random part of up
    /// to `jitter` of it (so that peers do not retry in step).
    public var reconnectInitialDelay: TimeAmount = .milliseconds(500)
    public var reconnectMaxDelay: TimeAmount = .seconds(30)
    public var reconnectJitter = 0.5
    public var limits = SyncLimits()
    /// Inbound connections whose peer has not yet proved the capability, in all and per source
    /// address; a new one beyond either closes the oldest of them (see `ConnectionAdmission`).
    public var maxHandshaking = 256
    public var maxHandshakingPerSource = 32
    /// Inbound sessions (capability proved), in all and per source address; a peer beyond either
    /// is closed as overloaded.
    public var maxPeers = 512
    public var maxPeersPerSource = 64
    /// Bytes written to one peer and not yet sent beyond which it is disconnected…
    public var maxQueuedOutboundBytes = 16 * 1024 * 1024
    /// …and how long bytes may wait with none of them sent (a peer that stopped reading).
    public var stalledPeerTimeout: TimeAmount = .seconds(30)
    /// Ephemeral bytes this node forwards per second to all its peers together (envelope size ×
    /// recipients), and the burst; forwarding beyond it is dropped. Envelopes it makes itself pass.
    public var ephemeralFanOutBytesPerSecond = 1024 * 1024
    public var ephemeralFanOutBurstBytes = 2 * 1024 * 1024
    /// Block bytes peers may push unasked that do not count here (beyond a budget, after a
    /// cut-off or a fork), for all sessions together: a burst, then per second. The store
    /// verifies and drops them; a session pushing past the budget is closed as overloaded.
    public var unaskedUncountedBurstBytes = 16 * 1024 * 1024
    public var unaskedUncountedBytesPerSecond = 256 * 1024
    /// Event loop threads when the network creates its own group.
    public var eventLoopThreads = 1

    public init(nodeName: String, flags: PeerFlags = []) {
        self.nodeName = nodeName
        self.flags = flags
    }

    /// The delay before reconnect attempt number `attempt` (0-based), `random` in [0, 1).
    func reconnectDelay(attempt: Int, random: Double) -> TimeAmount {
        let base = Double(reconnectInitialDelay.nanoseconds) * pow2(min(attempt, 30))
        let capped = min(base, Double(reconnectMaxDelay.nanoseconds))
        let jittered = capped * (1 - reconnectJitter * min(max(random, 0), 1))
        return .nanoseconds(Int64(jittered))
    }

    private func pow2(_ n: Int) -> Double { Double(UInt64(1) << UInt64(n)) }
}

/// What the network tells its owner. Delivered on event-loop threads: hand it to a queue or an
/// inbox and return quickly.
public enum NetworkEvent: Sendable, Equatable {
    case listening(ListenAddress)
    /// A session is open (both capabilities verified).
    case connected(PeerInfo)
    /// We learned that the peer has data we do not.
    case syncing(ConnectionID)
    /// We hold everything the peer advertised.
    case synced(ConnectionID)
    case progress(ConnectionID, writer: PublicKey, localLength: UInt64, remoteLength: UInt64)
    case ephemeral(envelope: [UInt8], hops: UInt8, from: ConnectionID)
    /// An open session ended.
    case disconnected(ConnectionID, address: String, reason: String)
    /// Dialling failed or the connection ended before its session opened.
    case connectFailed(address: String, reason: String, retryInSeconds: Double?)
}

public enum SyncState: String, Sendable, Equatable {
    case syncing
    case synced
}

/// One live session, for a `peers` listing.
public struct PeerInfo: Sendable, Equatable {
    public let id: ConnectionID
    public let address: String
    public let transport: TransportKind
    public let direction: ConnectionDirection
    public let nodeName: String
    public let flags: PeerFlags
    public var syncState: SyncState
}
