import Logging
import NIOCore
import NIOHTTP1
import NIOWebSocket

/// Builds the channel pipelines of both transports:
///
///     raw TCP:   deadline → [sniffer →] frame decoder → secure channel → idle timer → session
///     WebSocket: deadline → [sniffer →] (size limit →) HTTP upgrade … → WS codec → aggregator → adapter → secure channel → idle timer → session
struct ConnectionPipeline: Sendable {
    let databaseID: DatabaseID
    let settings: SessionSettings
    let executor: StoreExecutor
    let pingAfterIdle: TimeAmount
    let closeAfterSilence: TimeAmount
    let handshakeTimeout: TimeAmount
    let logger: Logger
    let observer: SessionObserver

    private static let requesterName = "hypha.ws-requester"
    private static let refusalName = "hypha.http-refusal"
    private static let sizeLimitName = "hypha.http-size-limit"

    /// The handlers common to both transports, after the unit layer.
    func addSessionHandlers(_ pipeline: ChannelPipeline.SynchronousOperations, descriptor: ConnectionDescriptor) throws {
        try pipeline.addHandler(SecureChannelHandler(role: descriptor.role, databaseID: databaseID))
        try pipeline.addHandler(IdleStateHandler(readTimeout: closeAfterSilence, writeTimeout: pingAfterIdle))
        try pipeline.addHandler(SessionHandler(descriptor: descriptor, settings: settings, executor: executor,
                                               logger: logger, observer: observer))
    }

    /// An accepted connection: sniff the transport, then build its pipeline.
    func configureInbound(_ channel: Channel, id: ConnectionID) throws {
        let address = channel.remoteAddress.map(Self.describe) ?? "unknown"
        let pipeline = channel.pipeline.syncOperations
        try pipeline.addHandler(HandshakeDeadlineHandler(timeout: handshakeTimeout))
        try pipeline.addHandler(ProtocolSniffer { kind, pipeline, sniffer in
            switch kind {
            case .rawTCP:
                let descriptor = ConnectionDescriptor(id: id, role: .responder, transport: .tcp, address: address)
                try pipeline.addHandler(ByteToMessageHandler(TransportFrameDecoder()), position: .after(sniffer))
                try addSessionHandlers(pipeline, descriptor: descriptor)
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
            try pipeline.addHandler(NIOWebSocketFrameAggregator(minNonFinalFragmentSize: 1, maxAccumulatedFrameCount: 1024,
                                                                maxAccumulatedFrameSize: WebSocketTransportAdapter.maxMessageSize))
            try pipeline.addHandler(WebSocketTransportAdapter(isClient: descriptor.role == .initiator))
            try addSessionHandlers(pipeline, descriptor: descriptor)
        }
    }

    /// A dialled connection.
    func configureOutbound(_ channel: Channel, id: ConnectionID, address: PeerAddress) throws {
        let descriptor = ConnectionDescriptor(id: id, role: .initiator, transport: address.transport,
                                              address: address.description)
        let pipeline = channel.pipeline.syncOperations
        try pipeline.addHandler(HandshakeDeadlineHandler(timeout: handshakeTimeout))
        switch address.transport {
        case .tcp:
            try pipeline.addHandler(ByteToMessageHandler(TransportFrameDecoder()))
            try addSessionHandlers(pipeline, descriptor: descriptor)
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
