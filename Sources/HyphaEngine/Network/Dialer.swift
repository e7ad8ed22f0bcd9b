import NIOCore
import NIOPosix

/// Keeps one outbound peer connected: dials, and after a failure or a disconnect dials again with
/// bounded exponential backoff and jitter. Stops for good on `stop()` or when the peer turns out
/// to be this very node.
///
/// `@unchecked Sendable`: all mutable state is touched only on `loop`.
final class Dialer: @unchecked Sendable {
    let address: PeerAddress
    private let loop: EventLoop
    private let configuration: NetworkConfiguration
    private let pipeline: ConnectionPipeline
    private let registry: PeerRegistry
    private let onEvent: @Sendable (NetworkEvent) -> Void
    private var attempt = 0
    private var stopped = false
    private var channel: Channel?
    private var retry: Scheduled<Void>?
    private var opened = false

    init(address: PeerAddress, loop: EventLoop, configuration: NetworkConfiguration, pipeline: ConnectionPipeline,
         registry: PeerRegistry, onEvent: @escaping @Sendable (NetworkEvent) -> Void) {
        self.address = address
        self.loop = loop
        self.configuration = configuration
        self.pipeline = pipeline
        self.registry = registry
        self.onEvent = onEvent
    }

    func start() { loop.execute { self.dial() } }

    /// Stops reconnecting; closes the current connection unless `closing` is false (at shutdown
    /// the session closes itself after saying Close).
    func stop(closing: Bool = true) -> EventLoopFuture<Void> {
        loop.submit {
            self.stopped = true
            self.retry?.cancel()
            self.retry = nil
            if closing { self.channel?.close(promise: nil) }
        }
    }

    /// The session of our current connection opened: the next failure starts from a short delay.
    func sessionOpened() {
        loop.execute {
            self.attempt = 0
            self.opened = true
        }
    }

    /// The peer is this node: dialling it again is pointless.
    func stopAsSelf() { loop.execute { self.stopped = true } }

    func isStopped() -> EventLoopFuture<Bool> { loop.submit { self.stopped } }

    private func dial() {
        guard !stopped else { return }
        opened = false
        let id = registry.newID()
        let address = self.address
        let pipeline = self.pipeline
        ClientBootstrap(group: loop)
            .connectTimeout(configuration.connectTimeout)
            .channelOption(.socketOption(.tcp_nodelay), value: 1)
            .channelOption(.writeBufferWaterMark, value: PeerNetwork.waterMark)
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try pipeline.configureOutbound(channel, id: id, address: address)
                }
            }
            .connect(host: address.host, port: address.port)
            .whenComplete { result in
                self.loop.execute { self.connected(result, id: id) }
            }
    }

    private func connected(_ result: Result<Channel, Error>, id: ConnectionID) {
        switch result {
        case let .success(channel):
            registry.track(channel, id: id, dialer: self)
            if stopped {
                channel.close(promise: nil)
                return
            }
            self.channel = channel
            channel.closeFuture.whenComplete { _ in self.loop.execute { self.disconnected() } }
        case let .failure(error):
            scheduleRetry(reason: String(describing: error))
        }
    }

    private func disconnected() {
        channel = nil
        scheduleRetry(reason: opened ? nil : "the connection closed before the session opened")
    }

    private func scheduleRetry(reason: String?) {
        guard !stopped else { return }
        let delay = configuration.reconnectDelay(attempt: attempt, random: Double.random(in: 0..<1))
        attempt += 1
        if let reason {
            onEvent(.connectFailed(address: address.description, reason: reason,
                                   retryInSeconds: Double(delay.nanoseconds) / 1e9))
        }
        retry = loop.scheduleTask(in: delay) { self.dial() }
    }
}
