import HyphaEngine

/// What the app needs from the node runtime (networking, the ephemeral channel, joining).
///
/// The app calls it only from its effects queue, never from the main queue; it reports what
/// happens through the event handler, from any thread. `LocalOnlyBackend` is the version
/// without a network; the networked runtime implements the same protocol. Rows are plain
/// values, already sanitised for display.
protocol NodeBackend: AnyObject, Sendable {
    /// Where events go. Set once, before `start`; called from any thread.
    func setEventHandler(_ handler: @escaping @Sendable (BackendEvent) -> Void)
    /// The node is open and unlocked (after unlock or create): start serving it with its keys.
    func start(_ node: OpenNode) throws
    /// The keys are about to be wiped (idle lock, quit): stop using them.
    func stop()
    /// Stops for good and lets go of the database (its files are about to be deleted); a
    /// later `start` or `join` begins afresh.
    func shutdown()
    /// Where this node's own join stands (nil when it is not joining).
    var joinStatus: JoinStatus? { get }
    /// "host:port" this node listens on, if it listens.
    var listenAddress: String? { get }
    func peers() -> [PeerRow]
    /// Authorisation requests waiting for a decision, oldest first.
    func pendingRequests() -> [RequestRow]
    /// What became of request `id` (`.gone` when this node does not hold it).
    func requestOutcome(id: String) -> RequestOutcome
    func authorise(requestID: String) throws
    func deny(requestID: String) throws
    /// Appends a root-signed remove-writer for `writer`, cut off at what this node holds of its log.
    func revoke(writer: PublicKey) throws
    /// Creates a node in `request.directory` that replicates from `request.peer` (read-only)
    /// and asks to be authorised; returns it open and unlocked. Progress arrives as
    /// `.joinStatus` events (the verification code, then authorised).
    func join(_ request: JoinRequest) throws -> OpenNode
}

/// An open node with its keys: what `start` and `join` hand over.
struct OpenNode: Sendable {
    var directory: DataDirectory
    var config: NodeConfig
    var database: HyphaDatabase
    var keys: IdentityKeys
}

/// What the join screen gathered (the passphrase in guarded memory; the backend wipes it).
struct JoinRequest: Sendable {
    var directory: DataDirectory
    var domain: String
    var passphrase: SecureBytes
    var peer: String
    var nodeName: String
}

/// Something the node runtime reports.
enum BackendEvent: Sendable, Equatable {
    case peersChanged
    /// A new authorisation request (the app queues it behind any open alert).
    case requestArrived(RequestRow)
    /// Requests were decided, expired or superseded.
    case requestsChanged
    case joinStatus(JoinStatus)
    /// A peer this node dials connected, or failed to (what the join screen and the peers
    /// pane show while it retries).
    case connection(PeerConnection)
    /// The database changed outside this process (another process committed, seen by polling
    /// `PRAGMA data_version` every 50 ms), or in it; the app reloads what it shows.
    case databaseChanged(membership: Bool)
    /// This database moved to a new passphrase (or two successions conflict): the follow prompt.
    case succession(SuccessionNews)
    /// The database this one succeeds has another succession besides this one: someone else
    /// holding the old passphrase made one (this node follows the one that is its current).
    case predecessorConflict(SuccessionNews)
}

/// Where a join stands, on the joining node.
enum JoinStatus: Sendable, Equatable {
    case connecting(peer: String)
    case replicating
    /// Both nodes show this code ("482-193"); the person compares them.
    case waitingForApproval(code: String)
    /// The add-writer reached this node: it writes from now on.
    case authorised
    case denied
    case failed(String)
}

/// What happened to a connection this node dials.
struct PeerConnection: Sendable, Equatable {
    enum State: Sendable, Equatable {
        case connected
        /// `wrongDatabase`: the peer accepted the connection and closed it right after this
        /// node asked for its database (the capability the passphrase derives), which is what a
        /// peer that does not hold that database does.
        case failed(reason: String, retryInSeconds: Double, wrongDatabase: Bool)
    }

    var address: String
    var state: State
}

/// A connected or configured peer, as the peers pane shows it.
struct PeerRow: Sendable, Equatable {
    enum State: Sendable, Equatable {
        case connecting
        /// Not connected; the next attempt is `retryInSeconds` after the rows were read.
        case retrying(retryInSeconds: Double)
        /// Connected; `behind`: entries (blocks) still to fetch, when known.
        case syncing(behind: UInt64?)
        case synced
    }

    var address: String
    /// "tcp" or "ws".
    var transport: String
    var nodeName: String?
    var state: State
    /// "in" (it dialled us) or "out" (we dial it).
    var direction: String = "out"
    /// Why the last attempt failed, sanitised, one line.
    var lastError: String?

    /// "connecting", "syncing", "synced", "retrying": for tests and `hypha peers`-like text.
    var syncState: String {
        switch state {
        case .connecting: return "connecting"
        case .retrying: return "retrying"
        case .syncing: return "syncing"
        case .synced: return "synced"
        }
    }
}

/// An authorisation request waiting for a decision.
struct RequestRow: Sendable, Equatable {
    /// The request id (hex): what the alert approves, fixed when the alert opens.
    var id: String
    /// The requester's node name, sanitised for the terminal.
    var nodeName: String
    /// The verification code, "NNN-NNN".
    var code: String
    /// The requester's device public key (hex).
    var deviceKey: String

    init(id: String, nodeName: String, code: String, deviceKey: String) {
        self.id = id
        self.nodeName = Sanitise.forTerminal(nodeName, limit: 40)
        self.code = code
        self.deviceKey = deviceKey
    }

    var deviceKeyShort: String { String(deviceKey.prefix(8)) }
}

/// What became of an authorisation request.
enum RequestOutcome: Sendable, Equatable {
    case pending, approved, denied, expired, superseded
    /// Not held here (pruned, or never seen).
    case gone
}

/// A failure of a backend operation, shown as one line.
struct BackendError: UserFacingError {
    var description: String
}
