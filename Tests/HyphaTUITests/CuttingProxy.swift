import Foundation
import NIOConcurrencyHelpers
import NIOCore
import NIOPosix

/// A TCP proxy on 127.0.0.1 that forwards to `target` and cuts every connection after it has
/// carried `cutAfterBytes` (in either direction): a real network fault for sync tests.
final class CuttingProxy: @unchecked Sendable {
    let group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
    private(set) var port = 0
    private let cuts = NIOLockedValueBox(0)
    var cutCount: Int { cuts.withLockedValue { $0 } }

    init(target: String, cutAfterBytes: Int) throws {
        let parts = target.split(separator: ":")
        let host = String(parts[0]), targetPort = Int(parts[1]) ?? 0
        let group = self.group, cuts = self.cuts
        let server = try ServerBootstrap(group: group)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelInitializer { inbound in
                ClientBootstrap(group: group).connect(host: host, port: targetPort).flatMap { outbound in
                    let budget = NIOLockedValueBox(cutAfterBytes)
                    let cut: @Sendable () -> Void = {
                        cuts.withLockedValue { $0 += 1 }
                        inbound.close(promise: nil)
                        outbound.close(promise: nil)
                    }
                    return inbound.pipeline.addHandler(Forwarder(peer: outbound, budget: budget, cut: cut)).flatMap {
                        outbound.pipeline.addHandler(Forwarder(peer: inbound, budget: budget, cut: cut))
                    }
                }
            }
            .bind(host: "127.0.0.1", port: 0).wait()
        port = server.localAddress?.port ?? 0
    }

    var address: String { "127.0.0.1:\(port)" }

    func shutdown() { try? group.syncShutdownGracefully() }

    /// Copies bytes to the other side until the shared budget runs out, then cuts both.
    private final class Forwarder: ChannelInboundHandler, @unchecked Sendable {
        typealias InboundIn = ByteBuffer
        let peer: Channel
        let budget: NIOLockedValueBox<Int>
        let cut: @Sendable () -> Void

        init(peer: Channel, budget: NIOLockedValueBox<Int>, cut: @escaping @Sendable () -> Void) {
            self.peer = peer
            self.budget = budget
            self.cut = cut
        }

        func channelRead(context: ChannelHandlerContext, data: NIOAny) {
            let buffer = unwrapInboundIn(data)
            let left = budget.withLockedValue { value -> Int in
                value -= buffer.readableBytes
                return value
            }
            peer.writeAndFlush(buffer, promise: nil)
            if left <= 0 { cut() }
        }

        func channelInactive(context: ChannelHandlerContext) { peer.close(promise: nil) }
        func errorCaught(context: ChannelHandlerContext, error: any Error) { context.close(promise: nil) }
    }
}
