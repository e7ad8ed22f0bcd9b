import NIOCore

/// The first handler of an inbound connection: one listening port serves both transports.
/// `"GET "` starts the HTTP/WebSocket pipeline, `"HYPH"` the raw TCP pipeline; anything else is
/// closed as soon as its first bytes fail to match either.
final class ProtocolSniffer: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = ByteBuffer
    typealias InboundOut = ByteBuffer

    enum Sniffed: Equatable { case rawTCP, http }

    static let httpPrefix = Array("GET ".utf8)

    private let configure: (Sniffed, ChannelPipeline.SynchronousOperations, ProtocolSniffer) throws -> Void
    private var buffered: ByteBuffer?

    /// `configure` adds the handlers of the chosen pipeline after the sniffer.
    init(configure: @escaping (Sniffed, ChannelPipeline.SynchronousOperations, ProtocolSniffer) throws -> Void) {
        self.configure = configure
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        var incoming = unwrapInboundIn(data)
        var buffer = incoming
        if var previous = buffered {
            previous.writeBuffer(&incoming)
            buffer = previous
        }
        buffered = buffer
        let prefix = Array(buffer.readableBytesView.prefix(4))
        let kind: Sniffed
        if prefix == Self.httpPrefix {
            kind = .http
        } else if prefix == WireLimits.handshakeMagic {
            kind = .rawTCP
        } else if Self.httpPrefix.starts(with: prefix) || WireLimits.handshakeMagic.starts(with: prefix) {
            return  // need more bytes
        } else {
            context.fireErrorCaught(SecureChannelError.badHello)
            context.close(promise: nil)
            return
        }
        buffered = nil
        do {
            try configure(kind, context.pipeline.syncOperations, self)
        } catch {
            context.fireErrorCaught(error)
            context.close(promise: nil)
            return
        }
        context.fireChannelRead(wrapInboundOut(buffer))
        context.pipeline.syncOperations.removeHandler(context: context, promise: nil)
    }
}
