import NIOCore

/// The replication state machine of one connection, independent of transport, threads and time:
/// it takes `SessionInput`s and returns `SessionAction`s for its driver to carry out in order.
/// Store calls are actions whose results come back as inputs. The messages are specified in docs/PROTOCOL.md.
struct SyncSession {
    enum Phase: Equatable {
        /// Waiting for the secure channel.
        case handshaking
        /// Keys are there; waiting for (and, as initiator, having sent) Open.
        case awaitingOpen
        case open
        case closed
    }

    /// What we know about one writer's log on both sides.
    struct WriterSync {
        var localLength: UInt64 = 0
        var localHead: SignedHead?
        var remoteHead: SignedHead?
        /// What we believe the peer holds: its adverts, where its Wants start, what we sent it.
        var remoteKnown: UInt64 = 0
        /// The length we last announced to the peer (Have or Data).
        var advertised: UInt64 = 0
        /// End of the furthest range we asked for.
        var requestedUpTo: UInt64 = 0
        /// End of the contiguous data received from this peer (stored or waiting for the store).
        var fetchedUpTo: UInt64 = 0
        /// Ranges asked for and not yet received, oldest first (answered in this order).
        var outstanding: [Range<UInt64>] = []
        /// The peer answered NoData, or gave all it had without our store taking it: do not ask
        /// again until it advertises something newer.
        var stalled = false
        /// Re-fetching from 0 because the store found a fork (asked once per session).
        var investigating = false
        var forkInvestigated = false

        var remoteLength: UInt64 { remoteHead?.length ?? 0 }
    }

    struct ServeJob: Equatable {
        var writer: PublicKey
        var next: UInt64
        var end: UInt64
    }

    let role: ConnectionRole
    let local: LocalNode
    let limits: SyncLimits

    private(set) var phase: Phase = .handshaking
    var isSynced = false
    private var capabilities: SessionCapabilities?
    var writers: [PublicKey: WriterSync] = [:]
    /// Writers the peer may have more of than we do.
    var candidates: Set<PublicKey> = []
    var headsLoaded = false
    var haveReceived = false
    var inFlightBlocks: UInt64 = 0
    var pendingIngestBytes = 0
    /// Chunks the peer sent unasked that wait for the store (to charge them if they do not count).
    var unaskedInStore: [UnaskedChunk: Int] = [:]
    var pendingIngestCount = 0
    var readingPaused = false
    var serveQueue = CircularBuffer<ServeJob>()
    var serving: ServeJob?
    var awaitingServeChunks = false
    var writable = true
    /// Our evidence went out (after the full Have); later evidence follows as it is learned.
    var evidenceSent = false
    /// How far to ask for logs that do not all count here (the store's budgets and cut-offs).
    var ceilings: [PublicKey: UInt64] = [:]
    var ceilingsKnown = false
    /// Logs asked for no further until the store's ceilings are loaded again: a first bite was
    /// stored while the store had no ceiling for them (their writer may be one nobody added), or
    /// what was stored reached their ceiling while the peer has more (a log kept within a
    /// budget grows a block at a time, so a budget is never overshot by more than one block).
    var awaitingCeiling: Set<PublicKey> = []
    /// Ceiling loads in flight, oldest first, each with the waiting logs it answers for.
    var ceilingRequests: [Set<PublicKey>] = []
    /// Evidence from the peer waiting for the store (counted as work in progress for `synced`).
    var pendingEvidence = 0
    private var pingCounter: UInt64 = 0
    var actions: [SessionAction] = []

    init(role: ConnectionRole, local: LocalNode, limits: SyncLimits = SyncLimits()) {
        self.role = role
        self.local = local
        self.limits = limits
    }

    mutating func handle(_ input: SessionInput) -> [SessionAction] {
        guard phase != .closed else { return [] }
        switch input {
        case let .established(caps): established(caps)
        case let .received(message): received(message)
        case let .headsLoaded(result): headsLoaded(result)
        case let .chunksLoaded(request, result): chunksLoaded(request, result)
        case let .ingested(chunk, result): ingested(chunk, result)
        case let .localChange(heads): localChange(heads)
        case let .sendEphemeral(hops, envelope):
            // Best effort: a peer that is not taking what we send gets no envelopes queued for it.
            if phase == .open && writable { send(.ephemeral(hops: hops, envelope: envelope)) }
        case let .evidenceLoaded(result): evidenceLoaded(result)
        case let .ceilingsLoaded(result):
            if case let .success(ceilings) = result { self.ceilings = ceilings }
            ceilingsKnown = true
            if !ceilingRequests.isEmpty { awaitingCeiling.subtract(ceilingRequests.removeFirst()) }
            if !awaitingCeiling.isEmpty && ceilingRequests.isEmpty { requestCeilings() }
            scheduleWants()
            checkSynced()
        case let .evidenceIngested(evidence, result): evidenceIngested(evidence, result)
        case let .sendEvidence(list):
            if phase == .open && evidenceSent { for evidence in list { send(.evidence(evidence)) } }
        case .membershipChanged: membershipChanged()
        case let .writabilityChanged(isWritable):
            writable = isWritable
            pumpServe()
        case .keepAliveDue:
            if phase == .open {
                pingCounter &+= 1
                send(.ping(pingCounter))
            }
        case .silenceTimeout:
            close(.timeout, "nothing received from the peer for too long", notify: phase == .open)
        case let .shutdown(reason, message):
            close(reason, message, notify: phase == .open)
        case let .transportFailed(message):
            close(.protocolError, message, notify: false)
        case .transportClosed:
            phase = .closed
        }
        defer { actions = [] }
        return actions
    }

    // MARK: - Opening

    private var ourOpen: OpenMessage {
        OpenMessage(capability: capabilities?.local ?? [], nodeName: local.nodeName, flags: local.flags,
                    nodeNonce: local.nodeNonce)
    }

    private mutating func established(_ caps: SessionCapabilities) {
        guard phase == .handshaking else { return close(.protocolError, "second key exchange", notify: false) }
        capabilities = caps
        phase = .awaitingOpen
        if role == .initiator { send(.open(ourOpen)) }
    }

    private mutating func received(_ message: WireMessage) {
        switch phase {
        case .handshaking, .closed:
            close(.protocolError, "message before the key exchange", notify: false)
        case .awaitingOpen:
            switch message {
            case let .open(open): acceptOpen(open)
            case let .close(reason, text) where role == .initiator:
                // The responder verified our capability before saying this.
                close(reason, "peer closed: \(Sanitise.forTerminal(text, limit: 200))", notify: false)
            default: close(.protocolError, "expected Open", notify: false)
            }
        case .open:
            receivedWhileOpen(message)
        }
    }

    /// Verifies the peer's capability before anything of ours is sent (as responder), so a peer
    /// that does not know the database id learns nothing.
    private mutating func acceptOpen(_ open: OpenMessage) {
        guard let caps = capabilities, caps.remoteMatches(open.capability) else {
            return close(.protocolError, "capability mismatch: the peer does not know this database", notify: false)
        }
        guard open.protocolVersion == WireLimits.protocolVersion else {
            return close(.incompatibleVersion, "the peer speaks protocol version \(open.protocolVersion)", notify: true)
        }
        guard open.nodeNonce != local.nodeNonce else {
            return close(.selfConnection, "connection to self", notify: true)
        }
        if role == .responder { send(.open(ourOpen)) }
        phase = .open
        report(.opened(RemoteNode(nodeName: Sanitise.forTerminal(open.nodeName, limit: WireLimits.maxNodeNameBytes),
                                  flags: open.flags, nodeNonce: open.nodeNonce)))
        requestCeilings()
        actions.append(.loadHeads)
    }

    private mutating func receivedWhileOpen(_ message: WireMessage) {
        switch message {
        case .open: close(.protocolError, "second Open", notify: true)
        case let .have(heads): receiveHave(heads)
        case let .want(writer, start, end): receiveWant(writer: writer, start: start, end: end)
        case let .data(chunk): receiveData(chunk)
        case let .noData(writer, start): receiveNoData(writer: writer, start: start)
        case let .ephemeral(hops, envelope): report(.ephemeral(hops: hops, envelope: envelope))
        case let .ping(n): send(.pong(n))
        case .pong: break
        case let .close(reason, text):
            close(reason, "peer closed: \(Sanitise.forTerminal(text, limit: 200))", notify: false)
        case let .evidence(evidence):
            pendingEvidence += 1
            actions.append(.ingestEvidence(evidence))
        }
    }

    // MARK: - Heads

    private mutating func headsLoaded(_ result: Result<[SignedHead], StoreFailure>) {
        guard phase == .open, !headsLoaded else { return }
        guard case let .success(heads) = result else {
            if case let .failure(failure) = result {
                close(.storeFailure, "could not read the local heads: \(failure.message)", notify: true)
            }
            return
        }
        headsLoaded = true
        for head in heads { mergeLocal(head) }
        for writer in writers.keys.sorted() where writers[writer]?.remoteHead != nil { checkFork(writer) }
        var all: [SignedHead] = []
        for writer in writers.keys.sorted() {
            guard var w = writers[writer], let head = w.localHead else { continue }
            all.append(head)
            w.advertised = max(w.advertised, head.length)
            writers[writer] = w
        }
        sendHave(all, evenIfEmpty: true)
        actions.append(.loadEvidence)
        scheduleWants()
        checkSynced()
    }

    // MARK: - Evidence

    /// Gives the peer every piece of evidence we hold, right after our full Have.
    private mutating func evidenceLoaded(_ result: Result<[Evidence], StoreFailure>) {
        guard phase == .open, !evidenceSent else { return }
        evidenceSent = true
        switch result {
        case let .success(list): for evidence in list { send(.evidence(evidence)) }
        case let .failure(failure): report(.storeProblem("reading evidence failed: \(failure.message)"))
        }
    }

    private mutating func evidenceIngested(_ evidence: Evidence, _ result: Result<EvidenceResult, StoreFailure>) {
        pendingEvidence -= 1
        guard phase == .open else { return }
        switch result {
        case .success(.new): report(.evidenceLearned(evidence))
        case .success(.known): break
        case let .success(.rejected(reason)):
            close(.badData, "rejected evidence: \(reason)", notify: true)
        case let .failure(failure):
            close(.storeFailure, "storing evidence failed: \(failure.message)", notify: true)
        }
        checkSynced()
    }

    /// Writers stalled because their blocks did not count may count now: ask again.
    private mutating func membershipChanged() {
        guard phase == .open, headsLoaded else { return }
        requestCeilings()
        for (writer, var w) in writers where w.stalled {
            w.stalled = false
            writers[writer] = w
            if w.remoteLength > w.localLength { candidates.insert(writer) }
        }
        scheduleWants()
        checkSynced()
    }

    private mutating func mergeLocal(_ head: SignedHead) {
        var w = writers[head.writer] ?? WriterSync()
        if head.length > w.localLength || w.localHead == nil {
            w.localLength = max(w.localLength, head.length)
            w.localHead = head
        }
        writers[head.writer] = w
    }

    private mutating func sendHave(_ heads: [SignedHead], evenIfEmpty: Bool = false) {
        if heads.isEmpty {
            if evenIfEmpty { send(.have([])) }
            return
        }
        var index = 0
        while index < heads.count {
            let end = min(index + WireLimits.maxHeadsPerHave, heads.count)
            send(.have(Array(heads[index..<end])))
            index = end
        }
    }

    /// Registers a writer named by the peer, refusing an unbounded number of them.
    mutating func track(_ writer: PublicKey) -> Bool {
        if writers[writer] != nil { return true }
        guard writers.count < limits.maxTrackedWriters else {
            close(.overloaded, "the peer named more than \(limits.maxTrackedWriters) writers", notify: true)
            return false
        }
        writers[writer] = WriterSync()
        return true
    }

    private mutating func receiveHave(_ heads: [SignedHead]) {
        haveReceived = true
        for head in heads {
            guard track(head.writer), var w = writers[head.writer] else { return }
            if w.remoteHead == nil || head.length > w.remoteLength {
                if head.length > w.remoteLength { w.stalled = false }
                w.remoteHead = head
            }
            w.remoteKnown = max(w.remoteKnown, head.length)
            writers[head.writer] = w
            if head.length > w.localLength { candidates.insert(head.writer) }
            if headsLoaded { checkFork(head.writer) }
        }
        scheduleWants()
        checkSynced()
    }

    /// Same length, different tree hash: two signed versions of one log. Ask for the peer's
    /// whole log once so that the store can record the fork.
    private mutating func checkFork(_ writer: PublicKey) {
        guard let w = writers[writer], let mine = w.localHead, let theirs = w.remoteHead,
              mine.length == theirs.length, mine.treeHash != theirs.treeHash else { return }
        startInvestigation(writer)
    }

    mutating func startInvestigation(_ writer: PublicKey) {
        guard var w = writers[writer], !w.forkInvestigated else { return }
        w.forkInvestigated = true
        w.investigating = true
        w.requestedUpTo = 0
        w.stalled = false
        writers[writer] = w
        candidates.insert(writer)
    }

    // MARK: - Local changes (live push)

    private mutating func localChange(_ heads: [SignedHead]) {
        var announce: [SignedHead] = []
        for head in heads {
            var w = writers[head.writer] ?? WriterSync()
            let previous = w.localLength
            guard head.length > previous || w.localHead == nil else { continue }
            w.localLength = max(previous, head.length)
            w.localHead = head
            if phase == .open && headsLoaded {
                if writable, w.remoteKnown == previous, w.remoteLength <= previous, head.length > previous,
                   head.length - previous <= limits.pushMaxBlocks {
                    actions.append(.loadChunks(ChunkRequest(purpose: .push, writer: head.writer, start: previous,
                                                            end: head.length, maxBytes: limits.chunkMaxBytes)))
                    w.remoteKnown = head.length
                    w.advertised = max(w.advertised, head.length)
                } else if head.length > max(w.advertised, w.remoteKnown) {
                    announce.append(head)
                    w.advertised = head.length
                }
            }
            writers[head.writer] = w
        }
        sendHave(announce)
        checkSynced()
    }

    // MARK: - Output helpers

    mutating func send(_ message: WireMessage) { actions.append(.send(message)) }
    mutating func report(_ event: SessionEvent) { actions.append(.report(event)) }

    mutating func close(_ reason: CloseReason, _ message: String, notify: Bool) {
        guard phase != .closed else { return }
        phase = .closed
        actions.append(.close(reason, message, notifyPeer: notify))
    }
}

/// A chunk the peer sent without a Want of ours covering it (a live push, or abuse).
struct UnaskedChunk: Hashable {
    let writer: PublicKey
    let start: UInt64
    let end: UInt64

    init(_ chunk: BlockChunk) {
        writer = chunk.writer
        start = chunk.start
        end = chunk.end
    }
}
