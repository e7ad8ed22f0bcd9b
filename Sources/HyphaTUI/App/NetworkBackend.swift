import Dispatch
import Foundation
import HyphaEngine
import Synchronization

/// The app's node: while the app is open it is a full node (listening, connecting to saved
/// peers, replicating, relaying, answering authorisation requests). It runs a `NodeHost`, so
/// the predecessors kept in the data directory (after a change of passphrase) are served
/// beside the current database, read-only: devices that have not followed yet hear of the
/// succession from this node and their late writes still reach it.
final class NetworkBackend: NodeBackend {
    private struct State {
        var handler: (@Sendable (BackendEvent) -> Void)?
        var host: NodeHost?
        /// The peers this node dials, in order, and what became of each.
        var dialled: [String] = []
        var tracks: [String: Track] = [:]
    }

    /// The last thing known about a peer's connection.
    private struct Track {
        var lastError: String?
        /// When the next attempt is due (seconds since 1970).
        var retryAt: Double?
        /// Entries still to fetch from it, from the last progress report.
        var behind: UInt64?
        /// Its node name while it was connected (sanitised), so a peer that went down and is
        /// being retried still says who it is.
        var name: String?
    }

    /// What the dialler says when the peer closed after the capability, before the session opened.
    static let closedBeforeOpen = "the connection closed before the session opened"
    private let state = Mutex(State())
    private let listen: String?
    private let extraPeers: [String]

    /// `listen` and `peers` come from the command line; otherwise the node's config decides.
    init(listen: String? = nil, peers: [String] = []) {
        self.listen = listen
        extraPeers = peers
    }

    func setEventHandler(_ handler: @escaping @Sendable (BackendEvent) -> Void) {
        state.withLock { $0.handler = handler }
    }

    /// Starts the node the first time; after an idle lock it only gets the keys back.
    func start(_ node: OpenNode) throws {
        if let host = state.withLock({ $0.host }) {
            try host.current.unlock(node.keys)
            return
        }
        var config = node.config
        let peers = try extraPeers.map { try PeerAddress(parsing: $0) }
            + config.peers.compactMap { try? PeerAddress(parsing: $0) }
        for peer in extraPeers where !config.peers.contains(peer) { config.peers.append(peer) }
        if config.peers != node.config.peers { try node.directory.save(config) }
        let writable = try node.keys.device.map { try node.database.status(of: $0.publicKey) == .authorised } ?? false
        let dialled = unique(peers)
        let host = try NodeHost(directory: node.directory, config: config, database: node.database, keys: node.keys,
                                options: .command(config: config, listen: nil, peers: dialled, writable: writable))
        let current = node.database.databaseID
        host.current.observe { [weak self] event in self?.forward(event, current: current) }
        state.withLock {
            $0.host = host
            $0.dialled = dialled.map(\.description)
            $0.tracks = [:]
        }
        try startListening(host, config: config)
    }

    /// Listens where asked (or the saved address, or the default port); if that address is
    /// taken, on a free port instead, so a second node on one machine still works.
    private func startListening(_ host: NodeHost, config: NodeConfig) throws {
        let preferred = try ListenAddress(parsing: listen ?? config.listen ?? "0.0.0.0:\(WireLimits.defaultPort)")
        let done = DispatchSemaphore(value: 0)
        let failure = Mutex<(any Error)?>(nil)
        let runtime = host.current
        Task.detached {
            do {
                try await host.start()
                try await runtime.startListening(on: preferred)
            } catch {
                if self.listen == nil, let fallback = try? ListenAddress(parsing: "0.0.0.0:0"),
                   (try? await runtime.startListening(on: fallback)) != nil {
                    self.emit(.peersChanged)
                } else {
                    failure.withLock { $0 = error }
                }
            }
            done.signal()
        }
        done.wait()
        if let error = failure.withLock({ $0 }) { throw error }
    }

    func stop() { state.withLock { $0.host }?.current.lock() }

    /// Closes every connection and the listener, closes the predecessors it served and
    /// forgets the node, so the database can go (or be moved to its successor) and a later
    /// `start` begins with a new node.
    func shutdown() {
        guard let host = state.withLock({ s -> NodeHost? in
            defer { s.host = nil }
            return s.host
        }) else { return }
        host.current.lock()
        let done = DispatchSemaphore(value: 0)
        Task.detached {
            await host.stop()
            done.signal()
        }
        done.wait()
    }

    private var runtimeIfRunning: NodeRuntime? { state.withLock { $0.host }?.current }

    var listenAddress: String? { runtimeIfRunning?.listenAddress }

    var joinStatus: JoinStatus? {
        runtimeIfRunning?.joinStatus.flatMap(Self.appStatus)
    }

    /// Connected peers, then every dialled peer that is not connected (connecting, or retrying
    /// with the last error), so a saved peer that cannot be reached still shows.
    func peers() -> [PeerRow] {
        let (runtime, dialled, tracks) = state.withLock { ($0.host?.current, $0.dialled, $0.tracks) }
        let now = Date().timeIntervalSince1970
        let infos = runtime?.peers() ?? []
        let connected = infos.map { info -> PeerRow in
            let behind = tracks[info.address]?.behind
            return PeerRow(address: Sanitise.forTerminal(info.address, limit: 80), transport: info.transport == .websocket ? "ws" : "tcp",
                           nodeName: Self.name(info),
                           state: info.syncState == .synced ? .synced : .syncing(behind: behind),
                           direction: info.direction == .inbound ? "in" : "out")
        }
        let connectedAddresses = Set(infos.map(\.address))
        let waiting = dialled.filter { !connectedAddresses.contains($0) }.map { address -> PeerRow in
            let track = tracks[address]
            let transport = address.hasPrefix("ws://") || address.hasPrefix("wss://") ? "ws" : "tcp"
            let state: PeerRow.State = track?.retryAt.map { .retrying(retryInSeconds: max(0, $0 - now)) } ?? .connecting
            return PeerRow(address: Sanitise.forTerminal(address, limit: 80), transport: transport, nodeName: track?.name,
                           state: state, direction: "out", lastError: track?.lastError)
        }
        return connected + waiting
    }

    /// A connected peer's name as the pane shows it.
    private static func name(_ info: PeerInfo) -> String {
        Sanitise.forTerminal(info.nodeName, limit: 40) + (info.flags.contains(.alwaysOn) ? " (always-on)" : "")
    }

    /// A short reason for a failed attempt, from the dialler's error text.
    static func describe(failure reason: String) -> (text: String, wrongDatabase: Bool) {
        if reason == closedBeforeOpen {
            return ("this peer does not serve the database your passphrase derives: check the passphrase and domain", true)
        }
        let lower = reason.lowercased()
        if lower.contains("refused") { return ("connection refused", false) }
        if lower.contains("timed out") || lower.contains("timeout") { return ("no answer (timed out)", false) }
        if lower.contains("unreachable") { return ("network unreachable", false) }
        if lower.contains("name") && (lower.contains("resolv") || lower.contains("lookup") || lower.contains("known")) {
            return ("the host name does not resolve", false)
        }
        return (Sanitise.forTerminal(reason, limit: 120), false)
    }

    func pendingRequests() -> [RequestRow] {
        ((try? runtimeIfRunning?.pendingRequests()) ?? []).map(RequestRow.init)
    }

    func requestOutcome(id: String) -> RequestOutcome {
        guard let requests = try? runtime().database.authorisationRequests(),
              let resolved = try? requests.resolve(id), let record = try? requests.record(resolved) else { return .gone }
        switch record.state {
        case .pending: return .pending
        case .approved: return .approved
        case .denied: return .denied
        case .expired: return .expired
        case .superseded: return .superseded
        }
    }

    func authorise(requestID: String) throws {
        try runtime().authorise(try runtime().database.authorisationRequests().resolve(requestID))
    }

    func deny(requestID: String) throws {
        try runtime().deny(try runtime().database.authorisationRequests().resolve(requestID))
    }

    func revoke(writer: PublicKey) throws {
        try runtime().database.revoke(writer: writer)
    }

    func join(_ request: JoinRequest) throws -> OpenNode {
        defer { request.passphrase.wipe() }
        emit(.joinStatus(.connecting(peer: request.peer)))
        _ = try PeerAddress(parsing: request.peer)
        let node = try NodeJoining.prepare(in: request.directory, domain: request.domain, nodeName: request.nodeName,
                                           passphrase: request.passphrase, peers: [request.peer])
        try start(node)
        return node
    }

    private func runtime() throws -> NodeRuntime {
        guard let runtime = runtimeIfRunning else { throw NodeError.locked }
        return runtime
    }

    private func emit(_ event: BackendEvent) { state.withLock { $0.handler }?(event) }

    private func forward(_ event: NodeEvent, current: DatabaseID) {
        switch event {
        case let .connectFailed(address, reason, retry):
            let failure = Self.describe(failure: reason)
            state.withLock {
                $0.tracks[address, default: Track()].lastError = failure.text
                $0.tracks[address, default: Track()].retryAt = Date().timeIntervalSince1970 + retry
            }
            emit(.connection(PeerConnection(address: Sanitise.forTerminal(address, limit: 80),
                                            state: .failed(reason: failure.text, retryInSeconds: retry,
                                                           wrongDatabase: failure.wrongDatabase))))
            emit(.peersChanged)
        case let .peerConnected(info):
            state.withLock { $0.tracks[info.address] = Track(name: Self.name(info)) }
            emit(.connection(PeerConnection(address: Sanitise.forTerminal(info.address, limit: 80), state: .connected)))
            emit(.peersChanged)
        case let .peerDisconnected(address, reason):
            state.withLock {
                $0.tracks[address, default: Track()].lastError = Sanitise.forTerminal("disconnected: \(reason)", limit: 120)
            }
            emit(.peersChanged)
        case let .syncProgress(peer, remaining):
            state.withLock { $0.tracks[peer, default: Track()].behind = remaining }
            emit(.peersChanged)
        case .listening:
            emit(.peersChanged)
        case let .authorisationRequested(record):
            emit(.requestArrived(RequestRow(record)))
        case .requestsChanged:
            emit(.requestsChanged)
        case let .joinStatus(status):
            if let status = Self.appStatus(status) { emit(.joinStatus(status)) }
        case let .databaseChanged(change):
            // The runtime's 50 ms data_version poll sees commits by other processes (and has
            // already applied them to the view): those carry no heads. In-process commits
            // (ours, blocks from peers) reach the app through its own database observer.
            if change.heads.isEmpty, change.viewChanged || change.membershipChanged {
                emit(.databaseChanged(membership: change.membershipChanged))
            }
        case let .succession(status):
            // The host tells conflicting successions of a predecessor too: when one of them is
            // this database, this node already follows it (its successor is the current one).
            if status.candidates.contains(where: { $0.successor == current }) {
                emit(.predecessorConflict(SuccessionNews(status)))
            } else {
                emit(.succession(SuccessionNews(status)))
            }
        case .ephemeralReceived, .notice:
            break
        }
    }

    private static func appStatus(_ status: HyphaEngine.JoinStatus) -> JoinStatus? {
        switch status.state {
        case .waiting: return .waitingForApproval(code: status.code?.formatted ?? "…")
        case .authorised: return .authorised
        case .denied: return .denied
        case .cancelled: return nil
        }
    }

    private func unique(_ peers: [PeerAddress]) -> [PeerAddress] {
        var seen: [PeerAddress] = []
        for peer in peers where !seen.contains(peer) { seen.append(peer) }
        return seen
    }
}

extension RequestRow {
    init(_ record: AuthorisationRecord) {
        self.init(id: record.requestID.hex, nodeName: record.nodeName, code: record.code.formatted, deviceKey: record.deviceKey.hex)
    }
}
