import NIOCore

/// Bounds what a WebSocket peer can make us buffer before its Open verifies: after the upgrade it
/// may send at most `WireLimits.maxWebSocketBytesBeforeOpen` bytes (its hello and Open take about
/// 250) until `trust` is granted; more closes the connection. Bytes are passed on first, so an
/// Open that arrives together with later frames is judged before they are counted against it.
/// Sits at the front of the pipeline once the upgrade is done.
final class PreTrustByteLimit: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = ByteBuffer
    typealias InboundOut = ByteBuffer

    private let trust: ConnectionTrust
    private let limit: Int
    private var received = 0

    init(trust: ConnectionTrust, limit: Int = WireLimits.maxWebSocketBytesBeforeOpen) {
        self.trust = trust
        self.limit = limit
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        guard !trust.isTrusted else { return context.fireChannelRead(data) }
        received += unwrapInboundIn(data).readableBytes
        context.fireChannelRead(data)
        if !trust.isTrusted && received > limit {
            context.fireErrorCaught(PreTrustLimitError(limit: limit))
            context.close(promise: nil)
        }
    }
}

struct PreTrustLimitError: Error, CustomStringConvertible {
    let limit: Int
    var description: String { "more than \(limit) bytes before the peer's Open verified" }
}
