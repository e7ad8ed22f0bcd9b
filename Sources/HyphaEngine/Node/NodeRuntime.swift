import Dispatch
import Foundation
import Logging
import NIOCore
import Synchronization

/// A running node: replication over the network, the ephemeral channel (relay for every node,
/// receiver for nodes holding the keys), authorisation requests (approver and joiner sides),
/// and a watch on the database for changes made by other processes on the same data directory.
///
/// Threads: one owner. Network events arrive on SwiftNIO event loops and database callbacks on
/// whatever thread committed; both hop to `queue` (serial), where all of the runtime's own work
/// runs and where its `state` lives (`QueueConfined`: every access checks it is on `queue`).
/// Public methods called from elsewhere run their part on `queue` through `onQueue`. Owners
/// receive `NodeEvent`s on that queue.
public final class NodeRuntime: Sendable {
    public struct Options: Sendable {
        public var listen: ListenAddress?
        public var peers: [PeerAddress]
        public var network: NetworkConfiguration
        /// How often the database is checked for changes made by other processes.
        public var pollInterval: DispatchTimeInterval = .milliseconds(50)
        /// How often a joining node re-sends its request.
        public var joinResendMilliseconds: UInt64 = 3_000
        /// Serve the control socket in the data directory (the current database's runtime only).
        public var serveControlSocket = true

        public init(listen: ListenAddress?, peers: [PeerAddress], network: NetworkConfiguration) {
            self.listen = listen
            self.peers = peers
            self.network = network
        }
    }

    public let database: HyphaDatabase
    public let config: NodeConfig
    let options: Options
    let logger: Logger
    let queue: DispatchQueue
    private static let queueKey = DispatchSpecificKey<Bool>()
    let network: PeerNetwork
    let relay: EphemeralRelay<ConnectionID>
    let requests: AuthorisationRequests
    let state: QueueConfined<State>

    struct State {
        var keys: IdentityKeys?
        var channel: EphemeralChannel<ConnectionID>?
        var joiner: JoinRequester?
        var join: JoinStatus?
        var observers: [UUID: @Sendable (NodeEvent) -> Void] = [:]
        var announced: [PublicKey: UInt64] = [:]
        var changeCounter: Int64 = 0
        var listenAddress: String?
        var timer: TimerBox?
        var databaseObserver: UUID?
        var lastHousekeeping: UInt64 = 0
        var inSync: Set<ConnectionID> = []
        var stopped = false
        /// Evidence already given to every peer (new sessions get all of it when they open).
        var evidenceSent: Set<[UInt8]> = []
        /// This device's revocation, once told.
        var revocationTold = false
        var control: ControlServer?
        /// How many successions have been told (a second one is a compromise signal).
        var successionsTold = 0
    }

    public init(config: NodeConfig, database: HyphaDatabase, keys: IdentityKeys?, options: Options,
                logger: Logger = Logger(label: "hypha.node")) {
        self.config = config
        self.database = database
        self.options = options
        self.logger = logger
        queue = DispatchQueue(label: "hypha.node")
        queue.setSpecific(key: Self.queueKey, value: true)
        state = QueueConfined(State(), queue: queue)
        let relay = EphemeralRelay<ConnectionID>(databaseID: database.databaseID, deliversLocally: keys != nil)
        self.relay = relay
        requests = AuthorisationRequests(writer: database.grdbWriter)
        let box = WeakRuntime()
        network = PeerNetwork(store: DatabaseReplicationStore(database: database), configuration: options.network,
                              logger: logger) { event in box.runtime?.queue.async { box.runtime?.handle(event) } }
        box.runtime = self
        if let keys { installKeys(keys) }
    }

    /// Runs `body` on the node queue: at once when already there, else waiting for its turn.
    func onQueue<T>(_ body: () throws -> T) rethrows -> T {
        if DispatchQueue.getSpecific(key: Self.queueKey) == true { return try body() }
        return try queue.sync(execute: body)
    }

    // MARK: Life cycle

    /// Listens, dials the configured peers and starts watching the database.
    @discardableResult
    public func start() async throws -> String? {
        var bound: String?
        if let listen = options.listen { bound = try await startListening(on: listen) }
        for peer in options.peers { network.connect(to: peer) }
        startWatching()
        startControlSocket()
        return bound
    }

    /// Serves the local control socket in the data directory, so that commands beside this node
    /// go through it (docs/PROTOCOL.md, "Local control socket").
    private func startControlSocket() {
        guard options.serveControlSocket, let directory = database.directory, !database.isReadOnly else { return }
        let server = ControlServer(path: directory + "/" + ControlSocket.fileName, handler: ControlHandler(runtime: self), logger: logger)
        guard server.start() else {
            logger.warning("control socket not served: another node runs on this data directory, or the path is too long")
            return
        }
        onQueue { state.withValue { $0.control = server } }
    }

    /// Accepts peers on `address` (TCP and WebSocket on one port); returns the bound address.
    @discardableResult
    public func startListening(on address: ListenAddress) async throws -> String {
        let bound: String
        do {
            bound = "\(try await network.listen(on: address))"
        } catch let error as IOError {
            throw ListenFailure(address: "\(address)", reason: String(cString: strerror(error.errnoCode)))
        }
        queue.async {
            self.state.withValue { $0.listenAddress = bound }
            self.emit(.listening(address: bound))
            self.publishStatus()
        }
        return bound
    }

    /// Watches the database: our own commits through `observe`, other processes' by polling.
    private func startWatching() {
        let observer = database.observe { [weak self] change in
            guard let self else { return }
            self.queue.async { self.databaseChanged(change) }
        }
        let timer = DispatchSource.makeTimerSource(queue: queue)
        timer.schedule(deadline: .now() + options.pollInterval, repeating: options.pollInterval)
        timer.setEventHandler { [weak self] in self?.poll() }
        let counter = (try? database.externalChangeCounter()) ?? 0
        let heads = Dictionary(((try? database.heads()) ?? []).map { ($0.writer, $0.signed.length) }) { a, _ in a }
        database.seenHeads.withLock { $0.merge(heads) { max($0, $1) } }
        let evidence = Set(((try? DatabaseReplicationStore(database: database).evidence()) ?? []).map { Blake2b.hash($0.payload) })
        onQueue {
            state.withValue {
                $0.evidenceSent = evidence
                $0.databaseObserver = observer
                $0.timer = TimerBox(timer)
                $0.changeCounter = counter
                $0.announced = heads
            }
        }
        timer.resume()
        queue.async { self.publishStatus(); self.startJoiningIfNeeded(); self.tellSuccession() }
    }

    /// Closes every connection and stops the timers; the database stays open for the owner.
    public func stop() async {
        let (timer, observer, joiner, control) = onQueue {
            state.withValue { s -> (TimerBox?, UUID?, JoinRequester?, ControlServer?) in
                s.stopped = true
                defer { s.control = nil }
                return (s.timer, s.databaseObserver, s.joiner, s.control)
            }
        }
        control?.stop()
        timer?.timer.cancel()
        if let observer { database.removeObserver(observer) }
        joiner?.stop(.cancelled)
        await network.shutdown()
        queue.sync { try? database.publish(nil) }
    }

    // MARK: Keys

    /// Gives the node the keys (after unlocking in the app): values apply, requests are received.
    public func unlock(_ keys: IdentityKeys) throws {
        try database.unlock(keys)
        installKeys(keys)
        queue.async { self.startJoiningIfNeeded() }
    }

    /// Forgets the keys: the node keeps replicating and relaying but reads nothing.
    /// Returns once nothing of the runtime uses the keys any more (an envelope being opened on
    /// the node queue, a request being signed by the joiner, a view batch), so the caller may
    /// wipe them: a wiped secret must never be used. Not to be called from the node queue.
    public func lock() {
        dispatchPrecondition(condition: .notOnQueue(queue))
        // Taking the keys away on the queue also waits for work queued before, which may hold
        // the old channel.
        let joiner = queue.sync {
            state.withValue { s -> JoinRequester? in
                s.keys = nil
                s.channel = makeChannel(receiver: nil)
                defer { s.joiner = nil }
                return s.joiner
            }
        }
        joiner?.stopAndWait(.cancelled)
        database.lock()
    }

    private func installKeys(_ keys: IdentityKeys) {
        let receiver = EphemeralReceiver(databaseID: database.databaseID, channelKey: keys.channelKey,
                                         seen: GRDBSeenMessageStore(writer: database.grdbWriter))
        onQueue {
            state.withValue {
                $0.keys = keys
                $0.channel = makeChannel(receiver: receiver)
            }
        }
    }

    func makeChannel(receiver: EphemeralReceiver?) -> EphemeralChannel<ConnectionID> {
        let network = self.network
        // Forwarding always names the connection an envelope came from; our own have none.
        return EphemeralChannel(relay: relay, receiver: receiver) { envelope, hops, except in
            _ = network.broadcastEphemeral(envelope: envelope, hops: hops, except: except, forwarding: except != nil)
        }
    }

    // MARK: Observing

    @discardableResult
    public func observe(_ observer: @escaping @Sendable (NodeEvent) -> Void) -> UUID {
        let id = UUID()
        onQueue { state.withValue { $0.observers[id] = observer } }
        return id
    }

    public func removeObserver(_ id: UUID) { onQueue { _ = state.withValue { $0.observers.removeValue(forKey: id) } } }

    func emit(_ event: NodeEvent) {
        onQueue {
            for observer in state.withValue({ Array($0.observers.values) }) { observer(event) }
        }
    }

    // MARK: Queries

    public var listenAddress: String? { onQueue { state.withValue { $0.listenAddress } } }
    public func peers() -> [PeerInfo] { network.peers() }
    public var joinStatus: JoinStatus? { onQueue { state.withValue { $0.join } } }

    /// Dials another peer (and keeps reconnecting to it).
    public func connect(to address: PeerAddress) { network.connect(to: address) }

    /// Accepts, on this runtime's listener, the peers of `other`'s database too (a predecessor
    /// this node keeps serving, or a successor an always-on node follows).
    public func host(_ other: NodeRuntime) { network.host(other.network) }

    // MARK: Events

    private func handle(_ event: NetworkEvent) {
        switch event {
        case .listening: break
        case let .connected(info):
            emit(.peerConnected(info))
            publishStatus()
        case let .disconnected(id, address, reason):
            relay.connectionClosed(id)
            state.withValue { _ = $0.inSync.remove(id) }
            emit(.peerDisconnected(address: address, reason: reason))
            publishStatus()
        case let .connectFailed(address, reason, retry):
            emit(.connectFailed(address: address, reason: reason, retryInSeconds: retry ?? 0))
        case let .syncing(id):
            state.withValue { _ = $0.inSync.remove(id) }
            publishStatus()
        case let .synced(id):
            // Report the transition only, not every quiet moment of a live session.
            let changed = state.withValue { $0.inSync.insert(id).inserted }
            publishStatus()
            if changed, let peer = network.peers().first(where: { $0.id == id }) {
                emit(.syncProgress(peer: peer.address, remaining: 0))
            }
        case let .progress(id, _, local, remote):
            if let peer = network.peers().first(where: { $0.id == id }) {
                emit(.syncProgress(peer: peer.address, remaining: remote > local ? remote - local : 0))
            }
        case let .ephemeral(envelope, hops, from):
            receiveEphemeral(envelope, hops: hops, from: from)
        }
    }

    /// A committed change: ours, the network's, or another process's (noticed by polling).
    /// Every grown head is announced: the network relays what it stored itself only while the
    /// session it came on is still open, so a peer that hangs up right after sending would
    /// leave it announced to nobody; sessions ignore a head they already have.
    func databaseChanged(_ change: DatabaseChange) {
        announce(change.heads)
        emit(.databaseChanged(change))
        if change.membershipChanged { membershipMayHaveChanged() }
    }

    /// After a membership change (ours, a peer's, another process's): logs refused before may
    /// count now, new evidence goes to every peer, requests answered elsewhere close, and the
    /// joiner learns whether it was approved or denied.
    private func membershipMayHaveChanged() {
        network.notifyMembershipChanged()
        broadcastNewEvidence()
        if let closed = try? database.closeAnsweredRequests(), !closed.isEmpty { emit(.requestsChanged) }
        checkJoinProgress()
        tellRevocation()
        tellSuccession()
    }

    /// Says once that this database moved to a new passphrase (or that two successions conflict).
    private func tellSuccession() {
        guard let status = try? database.successionStatus(), !status.candidates.isEmpty else { return }
        let told = state.withValue { s -> Bool in
            defer { s.successionsTold = status.candidates.count }
            return s.successionsTold == status.candidates.count
        }
        guard !told else { return }
        emit(.succession(status))
    }

    private var ownDeviceKey: PublicKey? { state.withValue { $0.keys?.device?.publicKey } ?? config.devicePublicKey }

    /// Says once that this device was revoked: it keeps replicating what it holds, read-only.
    private func tellRevocation() {
        guard let own = ownDeviceKey, let revoked = try? database.revocation(of: own),
              !state.withValue({ $0.revocationTold }) else { return }
        state.withValue { $0.revocationTold = true }
        emit(.notice("\(revoked): it keeps what it holds but can no longer write or approve"))
    }

    private func broadcastNewEvidence() {
        guard let held = try? DatabaseReplicationStore(database: database).evidence() else { return }
        let fresh = state.withValue { s in held.filter { s.evidenceSent.insert(Blake2b.hash($0.payload)).inserted } }
        network.broadcastEvidence(fresh)
    }

    private func announce(_ heads: [LogHead]) {
        let fresh = state.withValue { s -> [LogHead] in
            heads.filter { head in
                guard head.signed.length > s.announced[head.writer] ?? 0 else { return false }
                s.announced[head.writer] = head.signed.length
                return true
            }
        }
        if !fresh.isEmpty { network.notifyLocalChange(heads: fresh.map(SignedHead.init)) }
    }

    /// Runs on `queue` every `pollInterval`: changes by other processes (CLI commands), decided
    /// authorisation requests to answer, housekeeping.
    private func poll() {
        guard !state.withValue({ $0.stopped }) else { return }
        if let counter = try? database.externalChangeCounter(), counter != state.withValue({ $0.changeCounter }) {
            state.withValue { $0.changeCounter = counter }
            database.checkpointer?.committed()   // another process committed: maybe time to checkpoint
            try? database.catchUpView()
            // Observers (this runtime among them) hear of the other process's new heads and the
            // keys they touched; the runtime announces them and re-checks membership.
            try? database.noticeExternalChanges()
            emit(.requestsChanged)
        }
        sendDecidedReplies()
        let now = UInt64(Date().timeIntervalSince1970 * 1000)
        if now - state.withValue({ $0.lastHousekeeping }) > 10_000 {
            state.withValue { $0.lastHousekeeping = now }
            if let expired = try? requests.expireOverdue(), !expired.isEmpty { emit(.requestsChanged) }
            _ = try? requests.prune()
            publishStatus()
        }
    }

    /// Writes what `hypha peers` shows.
    func publishStatus() {
        let peers = network.peers().map {
            RuntimeStatus.Peer(address: $0.address, transport: $0.transport.rawValue, direction: $0.direction.rawValue,
                               nodeName: $0.nodeName, syncState: $0.syncState.rawValue, alwaysOn: $0.flags.contains(.alwaysOn))
        }
        let status = RuntimeStatus(pid: getpid(), listen: listenAddress, peers: peers,
                                   updatedAt: UInt64(Date().timeIntervalSince1970 * 1000))
        do { try database.publish(status) } catch { logger.warning("cannot publish the node status: \(error)") }
    }
}

/// The node could not listen where asked (the port is taken, say).
public struct ListenFailure: UserFacingError {
    public var address: String
    public var reason: String
    public var description: String { "cannot listen on \(address): \(reason.lowercased()) (use --listen host:port; port 0 picks a free one)" }
}

/// A dispatch timer held in the runtime's state. `@unchecked Sendable`: the timer itself is
/// thread-safe (DispatchSource); the box only lets it be stored and cancelled.
final class TimerBox: @unchecked Sendable {
    let timer: DispatchSourceTimer
    init(_ timer: DispatchSourceTimer) { self.timer = timer }
}

/// Breaks the cycle between the network's event callback and the runtime that owns it.
private final class WeakRuntime: @unchecked Sendable {
    // Written once in NodeRuntime.init before any event can arrive, read afterwards.
    weak var runtime: NodeRuntime?
}
