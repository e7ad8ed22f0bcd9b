import NIOCore

/// A thread-safe reference to a live session: everything it does runs on the session's event loop.
struct SessionHandle: Sendable {
    let descriptor: ConnectionDescriptor
    let channel: Channel
    private let handler: NIOLoopBound<SessionHandler>

    init(descriptor: ConnectionDescriptor, channel: Channel, handler: NIOLoopBound<SessionHandler>) {
        self.descriptor = descriptor
        self.channel = channel
        self.handler = handler
    }

    func feed(_ input: SessionInput) {
        let handler = self.handler
        channel.eventLoop.execute { handler.value.feed(input) }
    }

    func close(_ reason: CloseReason, _ message: String) { feed(.shutdown(reason, message)) }
}

/// Closes a connection whose session is not open within the handshake timeout, whatever stage
/// it is stuck in (sniffing, HTTP upgrade, key exchange, Open). Sits at the front of the pipeline.
final class HandshakeDeadlineHandler: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = NIOAny
    private let timeout: TimeAmount
    private var task: Scheduled<Void>?

    init(timeout: TimeAmount) { self.timeout = timeout }

    func handlerAdded(context: ChannelHandlerContext) {
        let channel = context.channel
        task = context.eventLoop.scheduleTask(in: timeout) { channel.close(promise: nil) }
    }

    func handlerRemoved(context: ChannelHandlerContext) { cancel() }

    func channelInactive(context: ChannelHandlerContext) {
        cancel()
        context.fireChannelInactive()
    }

    func cancel() {
        task?.cancel()
        task = nil
    }
}
