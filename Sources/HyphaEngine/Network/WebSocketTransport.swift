import NIOCore
import NIOHTTP1
import NIOWebSocket

/// Carries Hypha units over WebSocket: one binary message is exactly one unit, with the same bytes
/// as on raw TCP (the 37-byte hello first, then `u32le(length) ‖ payload` frames). Text messages
/// and messages that are not exactly one unit close the connection; pings are answered.
final class WebSocketTransportAdapter: ChannelDuplexHandler {
    typealias InboundIn = WebSocketFrame
    typealias InboundOut = ByteBuffer
    typealias OutboundIn = ByteBuffer
    typealias OutboundOut = WebSocketFrame

    /// Largest WebSocket message: a maximal frame with its 4-byte length.
    static let maxMessageSize = WireLimits.maxFrameLength + 4

    private let masksFrames: Bool
    private let trust: ConnectionTrust
    private var parser = TransportFrameParser()

    /// Clients mask what they send (RFC 6455); servers do not.
    init(isClient: Bool, trust: ConnectionTrust) {
        masksFrames = isClient
        self.trust = trust
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let frame = unwrapInboundIn(data)
        switch frame.opcode {
        case .binary:
            var payload = frame.unmaskedData
            do {
                guard let unit = try parser.next(from: &payload, maxLength: trust.maxFrameLength), payload.readableBytes == 0 else {
                    throw WebSocketTransportError.notOneUnit
                }
                context.fireChannelRead(wrapInboundOut(unit))
            } catch {
                context.fireErrorCaught(error)
                context.close(promise: nil)
            }
        case .ping:
            let pong = WebSocketFrame(fin: true, opcode: .pong, maskKey: maskKey(), data: frame.unmaskedData)
            context.writeAndFlush(wrapOutboundOut(pong), promise: nil)
        case .pong:
            break
        case .connectionClose:
            context.close(promise: nil)
        default:
            context.fireErrorCaught(WebSocketTransportError.unexpectedOpcode)
            context.close(promise: nil)
        }
    }

    func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        let frame = WebSocketFrame(fin: true, opcode: .binary, maskKey: maskKey(), data: unwrapOutboundIn(data))
        context.write(wrapOutboundOut(frame), promise: promise)
    }

    private func maskKey() -> WebSocketMaskingKey? { masksFrames ? .random() : nil }
}

enum WebSocketTransportError: Error, CustomStringConvertible {
    case notOneUnit
    case unexpectedOpcode
    case upgradeRefused

    var description: String {
        switch self {
        case .notOneUnit: return "a WebSocket message was not exactly one Hypha frame"
        case .unexpectedOpcode: return "unexpected WebSocket message type"
        case .upgradeRefused: return "the server refused the WebSocket upgrade"
        }
    }
}

/// Answers every HTTP request that does not become a WebSocket upgrade on `/hypha` (another path,
/// not an upgrade, an upgrade NIO's upgrader refuses) with 404 and closes.
final class HTTPRefusalHandler: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPServerRequestPart
    typealias OutboundOut = HTTPServerResponsePart

    private var answered = false

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        guard case .head = unwrapInboundIn(data), !answered else { return }
        answered = true
        var headers = HTTPHeaders()
        headers.add(name: "Content-Length", value: "0")
        headers.add(name: "Connection", value: "close")
        let head = HTTPResponseHead(version: .http1_1, status: .notFound, headers: headers)
        context.write(wrapOutboundOut(.head(head)), promise: nil)
        context.writeAndFlush(wrapOutboundOut(.end(nil))).whenComplete { [channel = context.channel] _ in
            channel.close(promise: nil)
        }
    }

    func errorCaught(context: ChannelHandlerContext, error: Error) {
        // A refused upgrade (another path, a bad WebSocket header) is reported here first; NIO then
        // passes the request on as an ordinary one, and `channelRead` answers it with 404.
        if error is NIOWebSocketUpgradeError { return }
        // Anything else: an unparsable request, which NIO's protocol error handler has already
        // answered with 400.
        context.close(promise: nil)
    }
}

/// Bounds what an HTTP request can make the server buffer before the upgrade: once more than
/// `WireLimits.maxUpgradeRequestBytes` have arrived and nothing has been answered yet, it answers
/// 400 itself and closes. Sits in front of the HTTP decoder; removed after the upgrade.
final class HTTPRequestSizeLimit: ChannelDuplexHandler, RemovableChannelHandler {
    typealias InboundIn = ByteBuffer
    typealias InboundOut = ByteBuffer
    // Whatever the HTTP encoder writes passes through untouched.
    typealias OutboundIn = Any
    typealias OutboundOut = ByteBuffer

    static let badRequest = "HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"

    private let limit: Int
    private var received = 0
    private var answered = false

    init(limit: Int = WireLimits.maxUpgradeRequestBytes) { self.limit = limit }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        if !answered {
            received += unwrapInboundIn(data).readableBytes
            if received > limit {
                answered = true
                let response = context.channel.allocator.buffer(string: Self.badRequest)
                context.writeAndFlush(wrapOutboundOut(response)).whenComplete { [channel = context.channel] _ in
                    channel.close(promise: nil)
                }
                return
            }
        }
        context.fireChannelRead(data)
    }

    /// Any response (101, 404, 400) means the request was read in full: stop counting.
    func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        answered = true
        context.write(data, promise: promise)
    }
}

/// Sends the upgrade request once the connection is up (client side).
final class WebSocketUpgradeRequester: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPClientResponsePart
    typealias OutboundOut = HTTPClientRequestPart

    private let host: String
    private let path: String

    init(host: String, path: String) {
        self.host = host
        self.path = path
    }

    func channelActive(context: ChannelHandlerContext) {
        var headers = HTTPHeaders()
        headers.add(name: "Host", value: host)
        headers.add(name: "Content-Length", value: "0")
        let head = HTTPRequestHead(version: .http1_1, method: .GET, uri: path, headers: headers)
        context.write(wrapOutboundOut(.head(head)), promise: nil)
        context.writeAndFlush(wrapOutboundOut(.end(nil)), promise: nil)
        context.fireChannelActive()
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        // Any HTTP response that reaches here means the upgrade did not happen.
        context.fireErrorCaught(WebSocketTransportError.upgradeRefused)
        context.close(promise: nil)
    }

    func errorCaught(context: ChannelHandlerContext, error: Error) {
        context.fireErrorCaught(error)
        context.close(promise: nil)
    }
}
