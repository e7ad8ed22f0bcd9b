import Dispatch
import Foundation
import Logging
import Synchronization

/// A running node: replication over the network, the ephemeral channel (relay for every node,
/// receiver for nodes holding the keys), authorisation requests (approver and joiner sides),
/// and a watch on the database for changes made by other processes on the same data directory.
///
/// Threads: network events arrive on SwiftNIO event loops and database callbacks on whatever
/// thread committed; both hop to `queue` (serial), where all of the runtime's own work runs.
/// Owners receive `NodeEvent`s on that queue.
public final class NodeRuntime: Sendable {
    public struct Options: Sendable {
        public var listen: ListenAddress?
        public var peers: [PeerAddress]
        public var network: NetworkConfiguration
        /// How often the database is checked for changes made by other processes.
        public var pollInterval: DispatchTimeInterval = .milliseconds(50)
        /// How often a joining node re-sends its request.
        public var joinResendMilliseconds: UInt64 = 3_000

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
    let queue = DispatchQueue(label: "hypha.node")
    let network: PeerNetwork
    let relay: EphemeralRelay<ConnectionID>
    let requests: AuthorisationRequests
    let state = Mutex(State())

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
    }

    public init(config: NodeConfig, database: HyphaDatabase, keys: IdentityKeys?, options: Options,
                logger: Logger = Logger(label: "hypha.node")) {
        self.config = config
        self.database = database
        self.options = options
        self.logger = logger
        let relay = EphemeralRelay<ConnectionID>(databaseID: database.databaseID, deliversLocally: keys != nil)
        self.relay = relay
        requests = AuthorisationRequests(writer: database.grdbWriter)
        let box = WeakRuntime()
        network = PeerNetwork(store: DatabaseReplicationStore(database: database), configuration: options.network,
                              logger: logger) { event in box.runtime?.queue.async { box.runtime?.handle(event) } }
        box.runtime = self
        if let keys { installKeys(keys) }
    }

    // MARK: Life cycle

    /// Listens, dials the configured peers and starts watching the database.
    @discardableResult
    public func start() async throws -> String? {
        var bound: String?
        if let listen = options.listen { bound = try await startListening(on: listen) }
        for peer in options.peers { network.connect(to: peer) }
        startWatching()
        return bound
    }

    /// Accepts peers on `address` (TCP and WebSocket on one port); returns the bound address.
    @discardableResult
    public func startListening(on address: ListenAddress) async throws -> String {
        let bound = "\(try await network.listen(on: address))"
        state.withLock { $0.listenAddress = bound }
        emit(.listening(address: bound))
        queue.async { self.publishStatus() }
        return bound
    }

    /// Watches the database: our own commits through `observe`, other processes' by polling.
    private func startWatching() {
        let observer = database.observe { [weak self] change in
            guard let self else { return }
            self.queue.async { self.databaseChanged(change, external: false) }
        }
        let timer = DispatchSource.makeTimerSource(queue: queue)
        timer.schedule(deadline: .now() + options.pollInterval, repeating: options.pollInterval)
        timer.setEventHandler { [weak self] in self?.poll() }
        let counter = (try? database.externalChangeCounter()) ?? 0
        let heads = Dictionary(((try? database.heads()) ?? []).map { ($0.writer, $0.signed.length) }) { a, _ in a }
        let evidence = Set(((try? DatabaseReplicationStore(database: database).evidence()) ?? []).map { Blake2b.hash($0.payload) })
        state.withLock {
            $0.evidenceSent = evidence
            $0.databaseObserver = observer
            $0.timer = TimerBox(timer)
            $0.changeCounter = counter
            $0.announced = heads
        }
        timer.resume()
        queue.async { self.publishStatus(); self.startJoiningIfNeeded() }
    }

    /// Closes every connection and stops the timers; the database stays open for the owner.
    public func stop() async {
        let (timer, observer, joiner) = state.withLock { s -> (TimerBox?, UUID?, JoinRequester?) in
            s.stopped = true
            return (s.timer, s.databaseObserver, s.joiner)
        }
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
        let joiner = state.withLock { s -> JoinRequester? in
            s.keys = nil
            s.channel = makeChannel(receiver: nil)
            defer { s.joiner = nil }
            return s.joiner
        }
        joiner?.stopAndWait(.cancelled)
        queue.sync {}   // work already queued may hold the old channel: let it finish
        database.lock()
    }

    private func installKeys(_ keys: IdentityKeys) {
        let receiver = EphemeralReceiver(databaseID: database.databaseID, channelKey: keys.channelKey,
                                         seen: GRDBSeenMessageStore(writer: database.grdbWriter))
        state.withLock {
            $0.keys = keys
            $0.channel = makeChannel(receiver: receiver)
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
        state.withLock { $0.observers[id] = observer }
        return id
    }

    public func removeObserver(_ id: UUID) { _ = state.withLock { $0.observers.removeValue(forKey: id) } }

    func emit(_ event: NodeEvent) {
        for observer in state.withLock({ Array($0.observers.values) }) { observer(event) }
    }

    // MARK: Queries

    public var listenAddress: String? { state.withLock { $0.listenAddress } }
    public func peers() -> [PeerInfo] { network.peers() }
    public var joinStatus: JoinStatus? { state.withLock { $0.join } }

    /// Dials another peer (and keeps reconnecting to it).
    public func connect(to address: PeerAddress) { network.connect(to: address) }

    // MARK: Events

    private func handle(_ event: NetworkEvent) {
        switch event {
        case .listening: break
        case let .connected(info):
            emit(.peerConnected(info))
            publishStatus()
        case let .disconnected(id, address, reason):
            relay.connectionClosed(id)
            state.withLock { _ = $0.inSync.remove(id) }
            emit(.peerDisconnected(address: address, reason: reason))
            publishStatus()
        case let .connectFailed(address, reason, retry):
            emit(.connectFailed(address: address, reason: reason, retryInSeconds: retry ?? 0))
        case let .syncing(id):
            state.withLock { _ = $0.inSync.remove(id) }
            publishStatus()
        case let .synced(id):
            // Report the transition only, not every quiet moment of a live session.
            let changed = state.withLock { $0.inSync.insert(id).inserted }
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

    /// A committed change: ours (in-process) or another process's (seen by polling).
    func databaseChanged(_ change: DatabaseChange, external: Bool) {
        if external {
            announceNewHeads()
        } else {
            // The network relays what it ingested itself; only our own appends need announcing.
            let own = change.heads.filter { $0.writer == ownDeviceKey }
            if !own.isEmpty { announce(own) }
        }
        emit(.databaseChanged(change))
        if change.membershipChanged || external { membershipMayHaveChanged() }
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
    }

    /// Says once that this device was revoked: it keeps replicating what it holds, read-only.
    private func tellRevocation() {
        guard let own = ownDeviceKey, let revoked = try? database.revocation(of: own),
              !state.withLock({ $0.revocationTold }) else { return }
        state.withLock { $0.revocationTold = true }
        emit(.notice("\(revoked): it keeps what it holds but can no longer write or approve"))
    }

    private func broadcastNewEvidence() {
        guard let held = try? DatabaseReplicationStore(database: database).evidence() else { return }
        let fresh = state.withLock { s in held.filter { s.evidenceSent.insert(Blake2b.hash($0.payload)).inserted } }
        network.broadcastEvidence(fresh)
    }

    private var ownDeviceKey: PublicKey? { state.withLock { $0.keys?.device?.publicKey } ?? config.devicePublicKey }

    private func announce(_ heads: [LogHead]) {
        let fresh = state.withLock { s -> [LogHead] in
            heads.filter { head in
                guard head.signed.length > s.announced[head.writer] ?? 0 else { return false }
                s.announced[head.writer] = head.signed.length
                return true
            }
        }
        if !fresh.isEmpty { network.notifyLocalChange(heads: fresh.map(SignedHead.init)) }
    }

    private func announceNewHeads() {
        guard let heads = try? database.heads() else { return }
        announce(heads)
    }

    /// Runs on `queue` every `pollInterval`: changes by other processes (CLI commands), decided
    /// authorisation requests to answer, housekeeping.
    private func poll() {
        guard !state.withLock({ $0.stopped }) else { return }
        if let counter = try? database.externalChangeCounter(), counter != state.withLock({ $0.changeCounter }) {
            state.withLock { $0.changeCounter = counter }
            database.checkpointer?.committed()   // another process committed: maybe time to checkpoint
            try? database.catchUpView()
            databaseChanged(DatabaseChange(heads: [], viewChanged: true, membershipChanged: true), external: true)
            emit(.requestsChanged)
        }
        sendDecidedReplies()
        let now = UInt64(Date().timeIntervalSince1970 * 1000)
        if now - state.withLock({ $0.lastHousekeeping }) > 10_000 {
            state.withLock { $0.lastHousekeeping = now }
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
