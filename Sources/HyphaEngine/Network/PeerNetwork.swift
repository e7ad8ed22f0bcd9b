import Dispatch
import Logging
import NIOCore
import NIOPosix
import Synchronization

/// The networking façade of a node: listens (raw TCP and WebSocket on one port), dials peers and
/// keeps them connected, runs one sync session per connection against the store, relays what it
/// ingests to its other peers, carries ephemeral envelopes, and lists live peers.
///
///     let network = PeerNetwork(store: store, configuration: .init(nodeName: "laptop")) { event in inbox.post(event) }
///     let bound = try await network.listen(on: ListenAddress.default)
///     network.connect(to: try PeerAddress(parsing: "ws://server.example:4815"))
///     network.notifyLocalChange(heads: [newHead])          // after a local append
///     network.broadcastEphemeral(envelope: sealed, hops: 3)
///     network.peers()                                       // for `hypha peers`
///     await network.shutdown()
public final class PeerNetwork: Sendable {
    static let waterMark = ChannelOptions.Types.WriteBufferWaterMark(low: 2 * 1024 * 1024, high: 8 * 1024 * 1024)
    /// Connections the kernel may hold ready for accept (Linux caps it at net.core.somaxconn).
    static let listenBacklog: Int32 = 4096

    public let localNode: LocalNode
    private let configuration: NetworkConfiguration
    private let group: EventLoopGroup
    private let ownsGroup: Bool
    private let registry = PeerRegistry()
    private let admission: ConnectionAdmission
    private let fanOut: SharedTokenBucket
    private let pipeline: ConnectionPipeline
    private let tenants = NetworkTenants()
    private let onEvent: @Sendable (NetworkEvent) -> Void
    private let logger: Logger
    private let state = Mutex(State())

    private struct State {
        var listeners: [Channel] = []
        /// Each listening socket accepts on a thread of its own, so that accepting never waits
        /// behind handshakes being worked on (a connection storm would otherwise keep the
        /// accept queue full, and a legitimate peer waiting in it).
        var acceptGroups: [MultiThreadedEventLoopGroup] = []
        var dialers: [PeerAddress: Dialer] = [:]
        var isShutDown = false
    }

    /// - Parameters:
    ///   - storeQueue: the serial queue store calls run on (a new one when nil); share it with
    ///     whoever else uses the store if the store is not thread-safe.
    ///   - eventLoopGroup: run on this group (not shut down by `shutdown()`), or on an own group.
    ///   - onEvent: called on event-loop threads; return quickly.
    public init(store: any ReplicationStore, configuration: NetworkConfiguration, storeQueue: DispatchQueue? = nil,
                eventLoopGroup: EventLoopGroup? = nil, logger: Logger = Logger(label: "hypha.network"),
                onEvent: @escaping @Sendable (NetworkEvent) -> Void) {
        self.configuration = configuration
        self.logger = logger
        self.onEvent = onEvent
        if let eventLoopGroup {
            group = eventLoopGroup
            ownsGroup = false
        } else {
            group = MultiThreadedEventLoopGroup(numberOfThreads: max(1, configuration.eventLoopThreads))
            ownsGroup = true
        }
        let local = LocalNode(nodeName: configuration.nodeName, flags: configuration.flags)
        localNode = local
        var settings = SessionSettings(local: local, limits: configuration.limits)
        settings.unaskedUncounted = SharedTokenBucket(capacity: Double(configuration.unaskedUncountedBurstBytes),
                                                      perSecond: Double(configuration.unaskedUncountedBytesPerSecond))
        let registry = self.registry
        let admission = ConnectionAdmission(limits: .init(handshaking: configuration.maxHandshaking,
                                                          handshakingPerSource: configuration.maxHandshakingPerSource,
                                                          peers: configuration.maxPeers,
                                                          peersPerSource: configuration.maxPeersPerSource))
        self.admission = admission
        fanOut = SharedTokenBucket(capacity: Double(configuration.ephemeralFanOutBurstBytes),
                                   perSecond: Double(configuration.ephemeralFanOutBytesPerSecond))
        let weakDialer: @Sendable (ConnectionID) -> Dialer? = { registry.dialer(for: $0) }
        var pipeline = ConnectionPipeline(
            databaseID: store.databaseID, settings: settings,
            executor: StoreExecutor(store: store, queue: storeQueue),
            pingAfterIdle: configuration.pingAfterIdle, closeAfterSilence: configuration.closeAfterSilence,
            handshakeTimeout: configuration.handshakeTimeout,
            maxQueuedOutboundBytes: configuration.maxQueuedOutboundBytes,
            stalledPeerTimeout: configuration.stalledPeerTimeout, logger: logger,
            observer: { descriptor, notice in
                PeerNetwork.observe(descriptor, notice, registry: registry, admission: admission, dialer: weakDialer,
                                    onEvent: onEvent)
            })
        pipeline.tenants = tenants
        pipeline.tenantObserver = { [admission] tenant in tenant.observer(admission) }
        self.pipeline = pipeline
    }

    /// Accepts, on this network's listener, sessions of `other`'s database too; they are
    /// `other`'s peers (its store, its events). `other` need not listen itself.
    public func host(_ other: PeerNetwork) {
        guard other !== self else { return }
        tenants.add(other.asTenant)
    }

    public func stopHosting(_ databaseID: DatabaseID) { tenants.remove(databaseID) }

    private var asTenant: NetworkTenant {
        let registry = self.registry, onEvent = self.onEvent
        return NetworkTenant(databaseID: pipeline.databaseID, settings: pipeline.settings, executor: pipeline.executor) { admission in
            { descriptor, notice in
                PeerNetwork.observe(descriptor, notice, registry: registry, admission: admission, dialer: { _ in nil }, onEvent: onEvent)
            }
        }
    }

    /// A network over a database's logs (tools and benchmarks; nodes use `NodeRuntime`).
    public convenience init(database: HyphaDatabase, configuration: NetworkConfiguration, eventLoopGroup: EventLoopGroup? = nil,
                            onEvent: @escaping @Sendable (NetworkEvent) -> Void) {
        self.init(store: DatabaseReplicationStore(database: database), configuration: configuration,
                  eventLoopGroup: eventLoopGroup, onEvent: onEvent)
    }

    /// Starts accepting connections (both transports) and returns the address actually bound
    /// (useful with port 0).
    @discardableResult
    public func listen(on address: ListenAddress = .default) async throws -> ListenAddress {
        let pipeline = self.pipeline
        let registry = self.registry
        let admission = self.admission
        let acceptGroup = MultiThreadedEventLoopGroup(numberOfThreads: 1)
        let channel: Channel
        do {
            channel = try await ServerBootstrap(group: acceptGroup, childGroup: group)
                .serverChannelOption(.backlog, value: Self.listenBacklog)
                .serverChannelOption(.maxMessagesPerRead, value: 64)
                .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
                .childChannelOption(.socketOption(.tcp_nodelay), value: 1)
                .childChannelOption(.writeBufferWaterMark, value: Self.waterMark)
                .childChannelInitializer { channel in
                    channel.eventLoop.makeCompletedFuture {
                        let id = registry.newID()
                        registry.track(channel, id: id)
                        admission.admit(id, channel: channel)
                        channel.closeFuture.whenComplete { _ in admission.closed(id) }
                        try pipeline.configureInbound(channel, id: id)
                    }
                }
                .bind(host: address.host, port: address.port)
                .get()
        } catch {
            try? await acceptGroup.shutdownGracefully()
            throw error
        }
        let bound = ListenAddress(host: address.host, port: channel.localAddress?.port ?? address.port)
        let accepted = state.withLock { s -> Bool in
            guard !s.isShutDown else { return false }
            s.listeners.append(channel)
            s.acceptGroups.append(acceptGroup)
            return true
        }
        guard accepted else {
            try? await channel.close()
            try? await acceptGroup.shutdownGracefully()
            throw NetworkStateError.shutDown
        }
        logger.debug("listening", metadata: ["address": "\(bound)"])
        onEvent(.listening(bound))
        return bound
    }

    /// Dials `address` and keeps it connected (reconnecting with backoff) until
    /// `disconnect(from:)` or `shutdown()`. Dialling an address twice does nothing.
    public func connect(to address: PeerAddress) {
        let dialer = state.withLock { s -> Dialer? in
            guard !s.isShutDown, s.dialers[address] == nil else { return nil }
            let dialer = Dialer(address: address, loop: group.next(), configuration: configuration,
                                pipeline: pipeline, registry: registry, onEvent: onEvent)
            s.dialers[address] = dialer
            return dialer
        }
        dialer?.start()
    }

    /// Stops dialling `address` and closes its connection.
    public func disconnect(from address: PeerAddress) {
        let dialer = state.withLock { $0.dialers.removeValue(forKey: address) }
        _ = dialer?.stop()
    }

    /// Closes one live session (a dialled peer is then dialled again after its backoff).
    public func disconnect(_ id: ConnectionID) {
        registry.handle(id)?.close(.normal, "disconnected by the node")
    }

    /// Tells every peer about new local heads (after local appends; heads the network ingested
    /// itself are relayed to the other peers automatically). Sends Have deltas, or the blocks
    /// directly to a peer known to be exactly at our previous length.
    public func notifyLocalChange(heads: [SignedHead]) {
        guard !heads.isEmpty else { return }
        for handle in registry.handles() { handle.feed(.localChange(heads)) }
    }

    /// Sends an ephemeral envelope to every open session except `except`; returns how many.
    /// `forwarding`: the envelope came from a peer, and its copies (size × recipients) are paid
    /// from the node's fan-out budget; when the budget is spent it goes to nobody.
    @discardableResult
    public func broadcastEphemeral(envelope: [UInt8], hops: UInt8, except: ConnectionID? = nil, forwarding: Bool = false) -> Int {
        guard envelope.count <= WireLimits.maxEnvelopeBytes else { return 0 }
        let handles = registry.handles(except: except)
        if forwarding {
            let cost = Double(envelope.count * handles.count)
            guard fanOut.take(cost) else { return 0 }
        }
        for handle in handles { handle.feed(.sendEphemeral(hops: hops, envelope: envelope)) }
        return handles.count
    }

    /// Gives every open session new evidence (fork proofs, proven blocks) to send to its peer.
    public func broadcastEvidence(_ evidence: [Evidence]) {
        guard !evidence.isEmpty else { return }
        for handle in registry.handles() { handle.feed(.sendEvidence(evidence)) }
    }

    /// Tells every session that who may write changed, so logs it stopped asking for (they did
    /// not count here) are asked for again.
    public func notifyMembershipChanged() {
        for handle in registry.handles() { handle.feed(.membershipChanged) }
    }

    /// Sends an ephemeral envelope to one session; false if it is not open.
    @discardableResult
    public func sendEphemeral(envelope: [UInt8], hops: UInt8, to id: ConnectionID) -> Bool {
        guard envelope.count <= WireLimits.maxEnvelopeBytes, let handle = registry.handle(id) else { return false }
        handle.feed(.sendEphemeral(hops: hops, envelope: envelope))
        return true
    }

    /// Open sessions, oldest first.
    public func peers() -> [PeerInfo] { registry.infos() }

    /// Inbound connections still proving the capability, inbound sessions, and handshaking
    /// connections closed so far to make room for newer ones.
    public var admissionCounts: (handshaking: Int, peers: Int, evicted: Int) { admission.counts }

    /// Addresses being dialled (connected or waiting to retry).
    public func dialTargets() -> [PeerAddress] {
        state.withLock { Array($0.dialers.keys) }.sorted { $0.description < $1.description }
    }

    /// Whether the dialler of `address` gave up for good (nil when not dialling it).
    func dialerIsStopped(_ address: PeerAddress) async -> Bool? {
        guard let dialer = state.withLock({ $0.dialers[address] }) else { return nil }
        return try? await dialer.isStopped().get()
    }

    /// Stops listening and dialling, says Close to every open peer, waits for every connection to
    /// end, and shuts the event loops down if the network created them.
    public func shutdown() async {
        let stopping = state.withLock { s -> (listeners: [Channel], dialers: [Dialer], acceptGroups: [MultiThreadedEventLoopGroup])? in
            guard !s.isShutDown else { return nil }
            s.isShutDown = true
            defer { s.listeners = []; s.dialers = [:]; s.acceptGroups = [] }
            return (s.listeners, Array(s.dialers.values), s.acceptGroups)
        }
        guard let (listeners, dialers, acceptGroups) = stopping else { return }
        for listener in listeners { try? await listener.close() }
        for dialer in dialers { try? await dialer.stop(closing: false).get() }
        let open = registry.handles()
        for handle in open { handle.close(.normal, "the node is shutting down") }
        let openIDs = Set(open.map(\.descriptor.id))
        let channels = registry.allChannels()
        // Open sessions close themselves once their Close has gone out; the rest close now.
        for (id, channel) in channels where !openIDs.contains(id) { channel.close(promise: nil) }
        for (_, channel) in channels { try? await channel.closeFuture.get() }
        if ownsGroup { try? await group.shutdownGracefully() }
        for acceptGroup in acceptGroups { try? await acceptGroup.shutdownGracefully() }
    }

    // MARK: - Session notices

    private static func observe(_ descriptor: ConnectionDescriptor, _ notice: SessionNotice, registry: PeerRegistry,
                                admission: ConnectionAdmission, dialer: @Sendable (ConnectionID) -> Dialer?,
                                onEvent: @Sendable (NetworkEvent) -> Void) {
        let id = descriptor.id
        switch notice {
        case let .opened(handle, _) where descriptor.direction == .inbound && !admission.promote(id):
            handle.close(.overloaded, "this node has all the peers it takes")
        case let .opened(handle, remote):
            let info = PeerInfo(id: id, address: descriptor.address, transport: descriptor.transport,
                                direction: descriptor.direction, nodeName: remote.nodeName, flags: remote.flags,
                                syncState: .syncing)
            registry.opened(handle, info: info)
            dialer(id)?.sessionOpened()
            onEvent(.connected(info))
        case let .event(event):
            switch event {
            case .synced:
                registry.setSyncState(id, .synced)
                onEvent(.synced(id))
            case .syncing:
                registry.setSyncState(id, .syncing)
                onEvent(.syncing(id))
            case let .progress(writer, localLength, remoteLength):
                onEvent(.progress(id, writer: writer, localLength: localLength, remoteLength: remoteLength))
            case let .ingested(head):
                for other in registry.handles(except: id) { other.feed(.localChange([head])) }
            case let .ephemeral(hops, envelope):
                onEvent(.ephemeral(envelope: envelope, hops: hops, from: id))
            case .opened, .rejectedData, .storeProblem, .evidenceLearned:
                break   // learned evidence changes the store, whose owner gives it to every peer
            }
        case let .closed(reason, message, _):
            let wasListed = registry.closed(id)
            if reason == .selfConnection { dialer(id)?.stopAsSelf() }
            if wasListed { onEvent(.disconnected(id, address: descriptor.address, reason: message)) }
        }
    }
}

public enum NetworkStateError: UserFacingError, Equatable {
    case shutDown

    public var description: String {
        switch self {
        case .shutDown: return "the network has been shut down"
        }
    }
}
