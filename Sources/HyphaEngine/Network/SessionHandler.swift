import Logging
import NIOCore

/// Drives a `SyncSession` on a channel: decodes messages, runs store calls through the
/// `StoreExecutor` and feeds their results back, writes what the session sends, applies read
/// back-pressure and reports to the network. Confined to the channel's event loop.
final class SessionHandler: ChannelDuplexHandler {
    typealias InboundIn = [UInt8]
    typealias OutboundIn = [UInt8]
    typealias OutboundOut = [UInt8]

    private var session: SyncSession
    private var executor: StoreExecutor
    private let descriptor: ConnectionDescriptor
    private var observer: SessionObserver
    private var settings: SessionSettings
    /// Other databases this listener hosts: an Open proving one of them moves the session there.
    private let tenants: NetworkTenants?
    private let tenantObserver: (@Sendable (NetworkTenant) -> SessionObserver)?
    private var hostedCapabilities: [DatabaseID: SessionCapabilities] = [:]
    private let logger: Logger
    private let trust: ConnectionTrust
    private var ephemeralBudget: TokenBucket
    private var context: ChannelHandlerContext?
    private var inputs = CircularBuffer<SessionInput>()
    private var draining = false
    private var needsFlush = false
    private var readPaused = false
    private var readPending = false
    private var wasOpen = false
    private var closeReason: (CloseReason, String)?
    private var closeNotified = false

    init(descriptor: ConnectionDescriptor, settings: SessionSettings, executor: StoreExecutor, trust: ConnectionTrust,
         logger: Logger, observer: @escaping SessionObserver, tenants: NetworkTenants? = nil,
         tenantObserver: (@Sendable (NetworkTenant) -> SessionObserver)? = nil) {
        self.tenants = tenants
        self.tenantObserver = tenantObserver
        self.descriptor = descriptor
        self.trust = trust
        self.settings = settings
        self.executor = executor
        self.logger = logger
        self.observer = observer
        session = SyncSession(role: descriptor.role, local: settings.local, limits: settings.limits)
        ephemeralBudget = TokenBucket(capacity: settings.ephemeralBurst, perSecond: settings.ephemeralPerSecond)
    }

    func handlerAdded(context: ChannelHandlerContext) { self.context = context }
    func handlerRemoved(context: ChannelHandlerContext) { self.context = nil }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let bytes = unwrapInboundIn(data)
        let message: WireMessage
        do {
            message = try WireMessage.decode(bytes)
        } catch {
            return feed(.transportFailed(String(describing: error)))
        }
        if case let .open(open) = message { moveToHostedDatabase(presenting: open.capability) }
        if case .ephemeral = message, !ephemeralBudget.take(nowMilliseconds: NIODeadline.now().uptimeNanoseconds / 1_000_000) {
            logger.debug("dropping an ephemeral message over the rate limit", metadata: ["connection": "\(descriptor.id)"])
            return
        }
        feed(.received(message))
    }

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        if let established = event as? SecureChannelEstablished {
            hostedCapabilities = established.hosted
            feed(.established(established.capabilities))
        } else if let idle = event as? IdleStateHandler.IdleStateEvent {
            switch idle {
            case .write: feed(.keepAliveDue)
            case .read: feed(.silenceTimeout)
            case .all: break
            }
        } else {
            context.fireUserInboundEventTriggered(event)
        }
    }

    func channelWritabilityChanged(context: ChannelHandlerContext) {
        feed(.writabilityChanged(context.channel.isWritable))
        context.fireChannelWritabilityChanged()
    }

    func errorCaught(context: ChannelHandlerContext, error: Error) {
        feed(.transportFailed(String(describing: error)))
    }

    func channelInactive(context: ChannelHandlerContext) {
        feed(.transportClosed)
        notifyClosed()
        context.fireChannelInactive()
    }

    func read(context: ChannelHandlerContext) {
        if readPaused { readPending = true } else { context.read() }
    }

    /// A responder's first Open that proves another hosted database (not this network's): the
    /// session starts over as that database's, with its store, settings and observer.
    private func moveToHostedDatabase(presenting capability: [UInt8]) {
        guard descriptor.role == .responder, session.phase == .awaitingOpen, !hostedCapabilities.isEmpty,
              let (id, capabilities) = hostedCapabilities.first(where: { $0.value.remoteMatches(capability) }),
              let tenant = tenants?.tenant(id), let tenantObserver else { return }
        hostedCapabilities = [:]
        executor = tenant.executor
        settings = tenant.settings
        observer = tenantObserver(tenant)
        session = SyncSession(role: descriptor.role, local: tenant.settings.local, limits: tenant.settings.limits)
        feed(.established(capabilities))
    }

    /// Runs one input through the session; inputs arriving while actions run (a store call that
    /// completed at once) wait their turn, so actions always run in the order they were decided.
    func feed(_ input: SessionInput) {
        inputs.append(input)
        guard !draining else { return }
        draining = true
        while let next = inputs.popFirst() {
            for action in session.handle(next) { perform(action) }
        }
        draining = false
        if needsFlush {
            needsFlush = false
            context?.flush()
        }
    }

    private func perform(_ action: SessionAction) {
        guard let context else { return }
        switch action {
        case let .send(message):
            do {
                context.write(wrapOutboundOut(try message.encode()), promise: nil)
                needsFlush = true
            } catch {
                logger.error("could not encode a message", metadata: ["error": "\(error)"])
            }
        case .loadHeads:
            whenStoreDone({ try $0.heads() }) { .headsLoaded($0) }
        case let .loadChunks(request):
            whenStoreDone({ try $0.chunks(writer: request.writer, start: request.start, end: request.end,
                                          maxBytes: request.maxBytes) }) { .chunksLoaded(request, $0) }
        case let .ingest(chunk):
            whenStoreDone({ try $0.ingest(chunk) }) { .ingested(chunk, $0) }
        case .loadCeilings:
            whenStoreDone({ try $0.wantCeilings() }) { .ceilingsLoaded($0) }
        case .loadEvidence:
            whenStoreDone({ try $0.evidence() }) { .evidenceLoaded($0) }
        case let .ingestEvidence(evidence):
            whenStoreDone({ try $0.ingest(evidence: evidence) }) { .evidenceIngested(evidence, $0) }
        case let .report(event):
            report(event, context: context)
        case .pauseReading:
            readPaused = true
        case .resumeReading:
            readPaused = false
            if readPending {
                readPending = false
                context.read()
            }
        case let .chargeUnaskedUncounted(bytes):
            guard let budget = settings.unaskedUncounted, !budget.take(Double(bytes)) else { return }
            logger.warning("peer pushed more blocks that do not count than the node's budget allows",
                           metadata: ["connection": "\(descriptor.id)"])
            feed(.shutdown(.overloaded, "the peer pushed more blocks that do not count here than this node's budget allows"))
        case let .close(reason, message, notifyPeer):
            close(context: context, reason: reason, message: message, notifyPeer: notifyPeer)
        }
    }

    private func whenStoreDone<T: Sendable>(_ work: @escaping @Sendable (any ReplicationStore) throws -> T,
                                            _ input: @escaping (Result<T, StoreFailure>) -> SessionInput) {
        guard let loop = context?.eventLoop else { return }
        executor.run(on: loop, work).assumeIsolated().whenComplete { [self] result in
            feed(input(result.mapError(StoreFailure.init)))
        }
    }

    private func report(_ event: SessionEvent, context: ChannelHandlerContext) {
        switch event {
        case let .opened(remote):
            wasOpen = true
            trust.grant()   // frames after the Open may be protocol-sized
            if let deadline = try? context.pipeline.syncOperations.handler(type: HandshakeDeadlineHandler.self) {
                deadline.cancel()
            }
            let handle = SessionHandle(descriptor: descriptor, channel: context.channel,
                                       handler: NIOLoopBound(self, eventLoop: context.eventLoop))
            observer(descriptor, .opened(handle, remote))
        case let .rejectedData(writer, reason):
            logger.warning("peer sent data the store rejected",
                           metadata: ["connection": "\(descriptor.id)", "writer": "\(writer.shortHex)", "reason": "\(reason)"])
            observer(descriptor, .event(event))
        case let .storeProblem(problem):
            logger.error("store problem while serving a peer", metadata: ["problem": "\(problem)"])
            observer(descriptor, .event(event))
        default:
            observer(descriptor, .event(event))
        }
    }

    private func close(context: ChannelHandlerContext, reason: CloseReason, message: String, notifyPeer: Bool) {
        closeReason = (reason, message)
        logger.debug("closing connection", metadata: ["connection": "\(descriptor.id)", "reason": "\(message)"])
        let channel = context.channel
        guard notifyPeer else { return channel.close(promise: nil) }
        // Storage details stay local; the peer gets the reason code and a short text.
        let text = reason == .storeFailure ? reason.description : message
        guard let bytes = try? WireMessage.close(reason: reason, message: text).encode() else {
            return channel.close(promise: nil)
        }
        let written = context.eventLoop.makePromise(of: Void.self)
        context.writeAndFlush(wrapOutboundOut(bytes), promise: written)
        let fallback = context.eventLoop.scheduleTask(in: settings.closeGrace) { channel.close(promise: nil) }
        written.futureResult.whenComplete { _ in
            fallback.cancel()
            channel.close(promise: nil)
        }
    }

    private func notifyClosed() {
        guard !closeNotified else { return }
        closeNotified = true
        observer(descriptor, .closed(reason: closeReason?.0, message: closeReason?.1 ?? "connection closed",
                                     wasOpen: wasOpen))
    }
}
