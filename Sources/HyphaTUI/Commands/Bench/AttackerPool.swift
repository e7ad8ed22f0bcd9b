import Foundation
import NIOCore
import NIOPosix
import Synchronization

/// The attacker of `hypha bench hostile`: holds connections to a node that never prove the
/// capability, and reopens each one as soon as the node closes it, until a deadline. Three kinds,
/// in equal parts: a valid hello then a 4 MiB frame sent but for its last byte (every other one
/// over WebSocket), idle connections that send nothing, and a storm that connects, sends a hello,
/// waits for the node's answer (or its close) and closes. Connections come from several loopback
/// source addresses, so per-address caps alone cannot stop it.
final class AttackerPool: Sendable {
    enum Kind: String, CaseIterable { case halfFrame = "half-frame", idle, storm }

    struct Counts: Sendable {
        var opened = 0
        var connectFailures = 0
        /// Connections the node dealt with: answered with its hello (the storm), or closed.
        var handled = 0
    }

    private let group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
    private let target: SocketAddress
    private let sources: [String]
    private let until: NIODeadline
    private let counts = Mutex(Counts())
    private let running = Mutex(0)
    private let finished = DispatchSemaphore(value: 0)

    init(port: Int, sources: Int, seconds: Double) throws {
        target = try SocketAddress(ipAddress: "127.0.0.1", port: port)
        self.sources = (0..<max(1, min(sources, 250))).map { "127.0.0.\($0 + 2)" }
        until = .now() + .milliseconds(Int64(seconds * 1000))
    }

    /// Runs `connections` slots, shared out among `kinds`, until the deadline; returns what happened.
    /// Connections the node has not closed 2 s after the deadline are closed then.
    func run(connections: Int, kinds: [Kind] = Kind.allCases) -> Counts {
        running.withLock { $0 = connections }
        for slot in 0..<connections { open(slot: slot, kind: kinds[slot % kinds.count]) }
        let wallDeadline = DispatchTime.now() + .nanoseconds(Int(max(0, (until - .now()).nanoseconds))) + .seconds(2)
        _ = finished.wait(timeout: wallDeadline)
        try? group.syncShutdownGracefully()
        return counts.withLock { $0 }
    }

    private func open(slot: Int, kind: Kind) {
        guard NIODeadline.now() < until else {
            if running.withLock({ $0 -= 1; return $0 }) == 0 { finished.signal() }
            return
        }
        let webSocket = kind == .halfFrame && (slot / Kind.allCases.count) % 2 == 1   // every other one
        let source = sources[slot % sources.count]
        let bootstrap = ClientBootstrap(group: group)
            .connectTimeout(.seconds(5))
            .channelInitializer { [self] channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHandler(AttackHandler(kind: kind, webSocket: webSocket) { [self] in
                        if NIODeadline.now() < until { counts.withLock { $0.handled += 1 } }
                    })
                }
            }
        let connect = (try? SocketAddress(ipAddress: source, port: 0)).map { bootstrap.bind(to: $0) } ?? bootstrap
        connect.connect(to: target).whenComplete { [self] result in
            switch result {
            case let .success(channel):
                counts.withLock { $0.opened += 1 }
                channel.closeFuture.whenComplete { [self] _ in open(slot: slot, kind: kind) }
            case .failure:
                counts.withLock { $0.connectFailures += 1 }
                group.next().scheduleTask(in: .milliseconds(10)) { [self] in open(slot: slot, kind: kind) }
            }
        }
    }
}

/// What one attacking connection sends.
private final class AttackHandler: ChannelInboundHandler {
    typealias InboundIn = ByteBuffer

    private let kind: AttackerPool.Kind
    private let webSocket: Bool
    /// Called once per connection, when the node answers (storm) or closes it.
    private let answered: () -> Void
    private var upgraded = false
    private var counted = false

    init(kind: AttackerPool.Kind, webSocket: Bool, answered: @escaping () -> Void) {
        self.kind = kind
        self.webSocket = webSocket
        self.answered = answered
    }

    func channelActive(context: ChannelHandlerContext) {
        switch kind {
        case .idle: break
        case .storm: send(context, Self.hello())
        case .halfFrame where webSocket:
            send(context, Array("GET /hypha HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n".utf8))
        case .halfFrame:
            send(context, Self.hello() + Self.le32(UInt32(Self.frameLength)))
            context.writeAndFlush(NIOAny(Self.almostAFrame), promise: nil)
        }
        context.fireChannelActive()
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch kind {
        case .storm:
            countOnce()
            context.close(promise: nil)
        case .halfFrame where webSocket && !upgraded:
            upgraded = true
            // A masked binary frame announcing 4 MiB + 4 bytes, and all of it but the last 5 bytes.
            let header: [UInt8] = [0x82, 0x80 | 127] + Self.be64(UInt64(Self.frameLength + 4)) + [1, 2, 3, 4]
            send(context, header)
            context.writeAndFlush(NIOAny(Self.almostAFrame), promise: nil)
        default: break
        }
    }

    func channelInactive(context: ChannelHandlerContext) {
        countOnce()
        context.fireChannelInactive()
    }

    func errorCaught(context: ChannelHandlerContext, error: Error) { context.close(promise: nil) }

    private func countOnce() {
        guard !counted else { return }
        counted = true
        answered()
    }

    private func send(_ context: ChannelHandlerContext, _ bytes: [UInt8]) {
        context.writeAndFlush(NIOAny(context.channel.allocator.buffer(bytes: bytes)), promise: nil)
    }

    static let frameLength = 4 * 1024 * 1024
    /// All of a maximal frame's payload but its last byte, shared by every connection (never copied).
    static let almostAFrame = ByteBuffer(repeating: 0x5A, count: frameLength - 1)

    static func hello() -> [UInt8] { Array("HYPH".utf8) + [1] + (0..<32).map { _ in UInt8.random(in: 1...255) } }
    static func le32(_ v: UInt32) -> [UInt8] { (0..<4).map { UInt8(truncatingIfNeeded: v >> (8 * $0)) } }
    static func be64(_ v: UInt64) -> [UInt8] { (0..<8).reversed().map { UInt8(truncatingIfNeeded: v >> (8 * $0)) } }
}
