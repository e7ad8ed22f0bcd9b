import NIOCore

/// Bounds what one peer can make us hold for it: the bytes written to the connection and not yet
/// taken by the kernel. More than `maxQueuedBytes` waiting, or bytes waiting with no progress for
/// `stallTimeout` (a peer that stopped reading), closes the connection instead of buffering on.
/// Progress is a write completing or, checked every third of the timeout, fewer bytes buffered
/// than at the last check (a slow peer takes a 2 MiB chunk in many partial writes).
/// The session already stops serving above the write-buffer high-water mark; this is the hard
/// limit behind it. Sits at the front of the pipeline, next to the socket.
final class OutboundQueueLimit: ChannelDuplexHandler, RemovableChannelHandler {
    typealias InboundIn = NIOAny
    typealias OutboundIn = IOData
    typealias OutboundOut = IOData

    private let maxQueuedBytes: Int
    private let stallTimeout: TimeAmount
    private var queued = 0
    private var lastProgress = NIODeadline.now()
    private var lastBuffered = Int.max
    private var check: Scheduled<Void>?
    private var closed = false

    init(maxQueuedBytes: Int, stallTimeout: TimeAmount) {
        self.maxQueuedBytes = maxQueuedBytes
        self.stallTimeout = stallTimeout
    }

    func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        let size = unwrapOutboundIn(data).readableBytes
        guard !closed else { return context.write(data, promise: promise) }
        if queued == 0 {
            lastProgress = context.eventLoop.now
            lastBuffered = .max
            scheduleCheck(context: context)
        }
        queued += size
        if queued > maxQueuedBytes {
            let error = OutboundQueueError.tooMuchQueued(limit: maxQueuedBytes)
            promise?.fail(error)
            return cut(context: context, error)
        }
        let done = promise ?? context.eventLoop.makePromise()
        let loop = context.eventLoop
        done.futureResult.assumeIsolated().whenComplete { [self] _ in
            queued -= size
            lastProgress = loop.now
        }
        context.write(data, promise: done)
    }

    func handlerRemoved(context: ChannelHandlerContext) { cancelCheck() }

    func channelInactive(context: ChannelHandlerContext) {
        cancelCheck()
        context.fireChannelInactive()
    }

    /// Bytes written and not yet sent (for tests).
    var queuedBytes: Int { queued }

    private func scheduleCheck(context: ChannelHandlerContext) {
        guard check == nil else { return }
        let loop = context.eventLoop.assumeIsolated()
        check = loop.scheduleTask(in: .nanoseconds(stallTimeout.nanoseconds / 3)) { [self] in
            check = nil
            guard queued > 0, !closed else { return }
            if let buffered = try? context.channel.syncOptions?.getOption(.bufferedWritableBytes) {
                if buffered < lastBuffered { lastProgress = context.eventLoop.now }
                lastBuffered = buffered
            }
            if context.eventLoop.now - lastProgress >= stallTimeout {
                cut(context: context, OutboundQueueError.peerNotReading(stallTimeout))
            } else {
                scheduleCheck(context: context)
            }
        }
    }

    private func cancelCheck() {
        check?.cancel()
        check = nil
    }

    private func cut(context: ChannelHandlerContext, _ error: OutboundQueueError) {
        closed = true
        cancelCheck()
        context.fireErrorCaught(error)
        context.close(promise: nil)
    }
}

enum OutboundQueueError: Error, CustomStringConvertible {
    case tooMuchQueued(limit: Int)
    case peerNotReading(TimeAmount)

    var description: String {
        switch self {
        case let .tooMuchQueued(limit): return "more than \(limit / (1024 * 1024)) MiB waiting for a peer that does not read"
        case let .peerNotReading(t): return "the peer read nothing for \(t.nanoseconds / 1_000_000_000) s while data waited for it"
        }
    }
}
