import Logging
import NIOCore
import NIOHTTP1
import NIOWebSocket

/// Builds the channel pipelines of both transports:
///
///     raw TCP:   queue limit → deadline → [sniffer →] frame decoder → secure channel → idle timer → session
///     WebSocket: queue limit → deadline → [sniffer →] (size limit →) HTTP upgrade …
///                then pre-trust limit → WS codec → aggregator → adapter → secure channel → idle timer → session
///
/// One `ConnectionTrust` per connection tells the frame decoders and the pre-trust limit when the
/// peer's Open has verified.
struct ConnectionPipeline: Sendable {
    let databaseID: DatabaseID
    let settings: SessionSettings
    let executor: StoreExecutor
    let pingAfterIdle: TimeAmount
    let closeAfterSilence: TimeAmount
    let handshakeTimeout: TimeAmount
    let maxQueuedOutboundBytes: Int
    let stalledPeerTimeout: TimeAmount
    let logger: Logger
    let observer: SessionObserver
    /// Other databases accepted on this listener, and the observer a session moved to one uses.
    var tenants: NetworkTenants? = nil
    var tenantObserver: (@Sendable (NetworkTenant) -> SessionObserver)? = nil

    private static let requesterName = "hypha.ws-requester"
    private static let refusalName = "hypha.http-refusal"
    private static let sizeLimitName = "hypha.http-size-limit"

    /// The handlers common to both transports, after the unit layer.
    func addSessionHandlers(_ pipeline: ChannelPipeline.SynchronousOperations, descriptor: ConnectionDescriptor,
                            trust: ConnectionTrust) throws {
        try pipeline.addHandler(SecureChannelHandler(role: descriptor.role, databaseID: databaseID, tenants: tenants))
        try pipeline.addHandler(IdleStateHandler(readTimeout: closeAfterSilence, writeTimeout: pingAfterIdle))
        try pipeline.addHandler(SessionHandler(descriptor: descriptor, settings: settings, executor: executor,
                                               trust: trust, logger: logger, observer: observer,
                                               tenants: tenants, tenantObserver: tenantObserver))
    }

    /// The handlers every connection starts with.
    private func addFront(_ pipeline: ChannelPipeline.SynchronousOperations) throws {
        try pipeline.addHandler(OutboundQueueLimit(maxQueuedBytes: maxQueuedOutboundBytes, stallTimeout: stalledPeerTimeout))
        try pipeline.addHandler(HandshakeDeadlineHandler(timeout: handshakeTimeout))
    }

    /// An accepted connection: sniff the transport, then build its pipeline.
    func configureInbound(_ channel: Channel, id: ConnectionID) throws {
        let address = channel.remoteAddress.map(Self.describe) ?? "unknown"
        let pipeline = channel.pipeline.syncOperations
        try addFront(pipeline)
        try pipeline.addHandler(ProtocolSniffer { kind, pipeline, sniffer in
            switch kind {
            case .rawTCP:
                let descriptor = ConnectionDescriptor(id: id, role: .responder, transport: .tcp, address: address)
                let trust = ConnectionTrust()
                try pipeline.addHandler(ByteToMessageHandler(TransportFrameDecoder(trust: trust)), position: .after(sniffer))
                try addSessionHandlers(pipeline, descriptor: descriptor, trust: trust)
            case .http:
                let descriptor = ConnectionDescriptor(id: id, role: .responder, transport: .websocket, address: address)
                try addWebSocketServer(pipeline, descriptor: descriptor)
            }
        })
    }

    private func addWebSocketServer(_ pipeline: ChannelPipeline.SynchronousOperations, descriptor: ConnectionDescriptor) throws {
        let upgrader = NIOWebSocketServerUpgrader(
            maxFrameSize: WebSocketTransportAdapter.maxMessageSize,
            shouldUpgrade: { channel, head in
                let path = head.uri.split(separator: "?", maxSplits: 1).first.map(String.init) ?? ""
                return channel.eventLoop.makeSucceededFuture(path == WireLimits.webSocketPath ? HTTPHeaders() : nil)
            },
            upgradePipelineHandler: { [self] channel, _ in
                afterUpgrade(channel, removing: [Self.refusalName, Self.sizeLimitName], descriptor: descriptor)
            })
        try pipeline.addHandler(HTTPRequestSizeLimit(), name: Self.sizeLimitName)
        try pipeline.configureHTTPServerPipeline(withPipeliningAssistance: false,
                                                 withServerUpgrade: (upgraders: [upgrader], completionHandler: { _ in }),
                                                 withErrorHandling: true)
        try pipeline.addHandler(HTTPRefusalHandler(), name: Self.refusalName)
    }

    /// Once upgraded, the HTTP-only handlers go and the WebSocket unit layer and session come.
    private func afterUpgrade(_ channel: Channel, removing httpHandlers: [String],
                              descriptor: ConnectionDescriptor) -> EventLoopFuture<Void> {
        channel.eventLoop.makeCompletedFuture {
            let pipeline = channel.pipeline.syncOperations
            for name in httpHandlers { _ = pipeline.removeHandler(name: name) }
            let trust = ConnectionTrust()
            let deadline = try pipeline.handler(type: HandshakeDeadlineHandler.self)
            try pipeline.addHandler(PreTrustByteLimit(trust: trust), position: .after(deadline))
            try pipeline.addHandler(NIOWebSocketFrameAggregator(minNonFinalFragmentSize: 1, maxAccumulatedFrameCount: 1024,
                                                                maxAccumulatedFrameSize: WebSocketTransportAdapter.maxMessageSize))
            try pipeline.addHandler(WebSocketTransportAdapter(isClient: descriptor.role == .initiator, trust: trust))
            try addSessionHandlers(pipeline, descriptor: descriptor, trust: trust)
        }
    }

    /// A dialled connection.
    func configureOutbound(_ channel: Channel, id: ConnectionID, address: PeerAddress) throws {
        let descriptor = ConnectionDescriptor(id: id, role: .initiator, transport: address.transport,
                                              address: address.description)
        let pipeline = channel.pipeline.syncOperations
        try addFront(pipeline)
        switch address.transport {
        case .tcp:
            let trust = ConnectionTrust()
            try pipeline.addHandler(ByteToMessageHandler(TransportFrameDecoder(trust: trust)))
            try addSessionHandlers(pipeline, descriptor: descriptor, trust: trust)
        case .websocket:
            let upgrader = NIOWebSocketClientUpgrader(
                maxFrameSize: WebSocketTransportAdapter.maxMessageSize,
                upgradePipelineHandler: { [self] channel, _ in
                    afterUpgrade(channel, removing: [Self.requesterName], descriptor: descriptor)
                })
            try pipeline.addHTTPClientHandlers(withClientUpgrade: (upgraders: [upgrader], completionHandler: { _ in }))
            let hostHeader = address.port == 80 ? address.host : "\(address.host):\(address.port)"
            try pipeline.addHandler(WebSocketUpgradeRequester(host: hostHeader, path: address.path), name: Self.requesterName)
        }
    }

    static func describe(_ address: SocketAddress) -> String {
        guard let ip = address.ipAddress, let port = address.port else { return address.description }
        return ip.contains(":") ? "[\(ip)]:\(port)" : "\(ip):\(port)"
    }
}
