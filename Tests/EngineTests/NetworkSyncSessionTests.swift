import Testing
@testable import HyphaEngine

/// The session state machine fed by hand: no channel, no store, no time.
@Suite struct NetworkSyncSessionTests {
    /// Two writers, `writerA < writerB` (sessions visit writers in key order).
    static let writerA = min(NetworkFixtures.keyPair(0x11).publicKey, NetworkFixtures.keyPair(0x12).publicKey)
    static let writerB = max(NetworkFixtures.keyPair(0x11).publicKey, NetworkFixtures.keyPair(0x12).publicKey)
    static let caps = SessionCapabilities(local: [UInt8](repeating: 1, count: 32), expectedRemote: [UInt8](repeating: 2, count: 32))

    static func head(_ writer: PublicKey, _ length: UInt64, tree: UInt8 = 7) -> SignedHead {
        SignedHead(writer: writer, length: length, treeHash: [UInt8](repeating: tree, count: 32),
                   signature: [UInt8](repeating: 9, count: 64))
    }

    static func chunk(_ writer: PublicKey, _ start: UInt64, _ count: Int) -> BlockChunk {
        BlockChunk(writer: writer, start: start, blocks: (0..<count).map { [UInt8($0 % 251)] },
                   signed: head(writer, start + UInt64(count)))
    }

    static func limits() -> SyncLimits {
        var limits = SyncLimits()
        limits.wantSpan = 10
        limits.maxBlocksInFlight = 25
        limits.serveStepBlocks = 8
        limits.maxPendingIngestBytes = 5
        limits.resumeIngestBytes = 2
        limits.maxQueuedWants = 3
        limits.firstAskBlocks = 16
        return limits
    }

    static let remoteOpen = WireMessage.open(OpenMessage(capability: [UInt8](repeating: 2, count: 32), nodeName: "remote\u{1B}[2J",
                                                         flags: [.alwaysOn], nodeNonce: 77))

    /// A session past Open with the given local heads loaded.
    static func openSession(role: ConnectionRole = .responder, local: [SignedHead] = []) -> SyncSession {
        var s = SyncSession(role: role, local: LocalNode(nodeName: "me", flags: [.writable], nodeNonce: 5), limits: limits())
        _ = s.handle(.established(caps))
        _ = s.handle(.received(remoteOpen))
        _ = s.handle(.ceilingsLoaded(.success([:])))
        _ = s.handle(.headsLoaded(.success(local)))
        return s
    }

    @Test func wantsStopAtTheStoresCeilingsAndALogHeldNotAtAllIsAskedForAFirstBite() {
        var s = Self.openSession()
        _ = s.handle(.ceilingsLoaded(.success([Self.writerB: 5])))
        let actions = s.handle(.received(.have([Self.head(Self.writerA, 100), Self.head(Self.writerB, 100)])))
        // (The test limits cut Wants at 10 blocks.)
        #expect(Self.wants(actions) == [.want(writer: Self.writerA, start: 0, end: 10), .want(writer: Self.writerA, start: 10, end: 16),
                                        .want(writer: Self.writerB, start: 0, end: 5)])
    }

    static func wants(_ actions: [SessionAction]) -> [WireMessage] {
        actions.compactMap { if case let .send(m) = $0, case .want = m { return m } else { return nil } }
    }

    @Test func responderSaysNothingUntilTheCapabilityChecksOut() {
        var s = SyncSession(role: .responder, local: LocalNode(nodeName: "me", flags: [], nodeNonce: 5))
        #expect(s.handle(.established(Self.caps)).isEmpty)
        let actions = s.handle(.received(Self.remoteOpen))
        guard case let .send(.open(open)) = actions.first else { Issue.record("no Open sent: \(actions)"); return }
        #expect(open.capability == Self.caps.local)
        #expect(actions.contains(.report(.opened(RemoteNode(nodeName: "remote\u{FFFD}[2J", flags: [.alwaysOn], nodeNonce: 77)))))
        #expect(actions.last == .loadHeads)
    }

    @Test func wrongCapabilityClosesSilently() {
        var s = SyncSession(role: .responder, local: LocalNode(nodeName: "me", flags: [], nodeNonce: 5))
        _ = s.handle(.established(Self.caps))
        let forged = WireMessage.open(OpenMessage(capability: [UInt8](repeating: 3, count: 32), nodeName: "x", flags: [], nodeNonce: 1))
        let actions = s.handle(.received(forged))
        #expect(actions.count == 1)
        guard case let .close(_, _, notify) = actions.first else { Issue.record("expected close"); return }
        #expect(notify == false)
        #expect(s.handle(.received(Self.remoteOpen)).isEmpty)  // closed for good
    }

    @Test func anythingButOpenFirstClosesSilently() {
        var s = SyncSession(role: .responder, local: LocalNode(nodeName: "me", flags: [], nodeNonce: 5))
        _ = s.handle(.established(Self.caps))
        #expect(s.handle(.received(.ping(1))) == [.close(.protocolError, "expected Open", notifyPeer: false)])
    }

    @Test func initiatorOpensFirstAndRecognisesItself() {
        var s = SyncSession(role: .initiator, local: LocalNode(nodeName: "me", flags: [], nodeNonce: 77))
        guard case .send(.open) = s.handle(.established(Self.caps)).first else { Issue.record("no Open"); return }
        let actions = s.handle(.received(Self.remoteOpen))
        #expect(actions == [.close(.selfConnection, "connection to self", notifyPeer: true)])
    }

    @Test func incompatibleVersionIsRefused() {
        var s = SyncSession(role: .responder, local: LocalNode(nodeName: "me", flags: [], nodeNonce: 5))
        _ = s.handle(.established(Self.caps))
        let v2 = WireMessage.open(OpenMessage(protocolVersion: 2, capability: [UInt8](repeating: 2, count: 32), nodeName: "x",
                                              flags: [], nodeNonce: 1))
        guard case let .close(reason, _, true) = s.handle(.received(v2)).first else { Issue.record("expected close"); return }
        #expect(reason == .incompatibleVersion)
    }

    @Test func sendsFullHaveOnceHeadsAreLoaded() {
        var s = SyncSession(role: .responder, local: LocalNode(nodeName: "me", flags: [], nodeNonce: 5))
        _ = s.handle(.established(Self.caps))
        _ = s.handle(.received(Self.remoteOpen))
        let heads = [Self.head(Self.writerB, 4), Self.head(Self.writerA, 9)]
        // The full Have, then our evidence (fork proofs, proven blocks) is read to follow it.
        #expect(s.handle(.headsLoaded(.success(heads))) == [.send(.have(heads.sorted { $0.writer < $1.writer })), .loadEvidence])
        var empty = SyncSession(role: .responder, local: LocalNode(nodeName: "me", flags: [], nodeNonce: 5))
        _ = empty.handle(.established(Self.caps))
        _ = empty.handle(.received(Self.remoteOpen))
        #expect(empty.handle(.headsLoaded(.success([]))) == [.send(.have([])), .loadEvidence])
    }

    @Test func wantsAreWindowedAndAdvanceAsDataArrives() {
        var s = Self.openSession(local: [Self.head(Self.writerA, 3)])
        let actions = s.handle(.received(.have([Self.head(Self.writerA, 100), Self.head(Self.writerB, 12)])))
        // Two outstanding per writer, 10 blocks each, 25 blocks in flight at most.
        #expect(Self.wants(actions) == [.want(writer: Self.writerA, start: 3, end: 13), .want(writer: Self.writerA, start: 13, end: 23),
                                        .want(writer: Self.writerB, start: 0, end: 5)])
        // A chunk answering A's first want frees 10 blocks of window for A's next range.
        let next = s.handle(.received(.data(Self.chunk(Self.writerA, 3, 10))))
        #expect(next.contains(.ingest(Self.chunk(Self.writerA, 3, 10))))
        #expect(Self.wants(next) == [.want(writer: Self.writerA, start: 23, end: 33)])
        #expect(s.inFlightBlocks == 25)
    }

    @Test func reportsSyncedOnlyWhenEverythingIsStored() {
        var s = Self.openSession()
        _ = s.handle(.received(.have([Self.head(Self.writerA, 5)])))
        _ = s.handle(.received(.data(Self.chunk(Self.writerA, 0, 5))))
        #expect(!s.isSynced)
        let actions = s.handle(.ingested(Self.chunk(Self.writerA, 0, 5), .success(.stored(newLength: 5))))
        #expect(actions.contains(.report(.progress(writer: Self.writerA, localLength: 5, remoteLength: 5))))
        #expect(actions.contains(.report(.ingested(Self.head(Self.writerA, 5)))))
        // A first bite of a log held nothing of: the store's ceilings are asked for again first.
        #expect(actions.contains(.loadCeilings))
        #expect(!actions.contains(.report(.synced)))
        #expect(s.handle(.ceilingsLoaded(.success([:]))).contains(.report(.synced)))
        // A newer head makes it syncing again.
        #expect(s.handle(.received(.have([Self.head(Self.writerA, 6)]))).contains(.report(.syncing)))
    }

    /// A log held nothing of is asked for a first bite; once that is stored, how much more counts
    /// is the store's call: its writer may be one nobody added (kept within its budget) or a
    /// writer (asked for in full).
    @Test func afterAFirstBiteTheStoresCeilingDecides() {
        var s = Self.openSession()
        #expect(Self.wants(s.handle(.received(.have([Self.head(Self.writerA, 40), Self.head(Self.writerB, 40)]))))
                == [.want(writer: Self.writerA, start: 0, end: 10), .want(writer: Self.writerA, start: 10, end: 16),
                    .want(writer: Self.writerB, start: 0, end: 9)])
        for (writer, range) in [(Self.writerA, 0..<10), (Self.writerA, 10..<16), (Self.writerB, 0..<9)] {
            let chunk = Self.chunk(writer, UInt64(range.lowerBound), range.count)
            _ = s.handle(.received(.data(chunk)))
            let actions = s.handle(.ingested(chunk, .success(.stored(newLength: UInt64(range.upperBound)))))
            #expect(Self.wants(actions).isEmpty, "nothing more is asked before the store's ceilings")
        }
        // The store says: A is nobody's writer (full at 16); B is a writer (no ceiling). The
        // first load was asked for before B's bite was stored, so B waits for a second one.
        let first = s.handle(.ceilingsLoaded(.success([Self.writerA: 16])))
        #expect(Self.wants(first).isEmpty && first.contains(.loadCeilings))
        let second = s.handle(.ceilingsLoaded(.success([Self.writerA: 16])))
        // (B's first bite, 0..<16, is still partly outstanding: the next Want starts after it.)
        #expect(Self.wants(second) == [.want(writer: Self.writerB, start: 16, end: 26)])
        #expect(!second.contains(.report(.synced)))
    }

    /// A log kept within a budget (a writer nobody added) grows a block at a time: the store's
    /// ceiling is one block past what it holds, read again each time that block is stored, until
    /// the budget is reached. By default a log held nothing of is first asked for one block.
    @Test func aBudgetedLogIsFetchedABlockAtATime() {
        var fresh = SyncSession(role: .responder, local: LocalNode(nodeName: "me", flags: [.writable], nodeNonce: 5))
        _ = fresh.handle(.established(Self.caps))
        _ = fresh.handle(.received(Self.remoteOpen))
        _ = fresh.handle(.ceilingsLoaded(.success([:])))
        _ = fresh.handle(.headsLoaded(.success([])))
        #expect(Self.wants(fresh.handle(.received(.have([Self.head(Self.writerA, 40)])))) == [.want(writer: Self.writerA, start: 0, end: 1)])

        var s = Self.openSession(local: [Self.head(Self.writerA, 2)])
        _ = s.handle(.ceilingsLoaded(.success([Self.writerA: 3])))
        #expect(Self.wants(s.handle(.received(.have([Self.head(Self.writerA, 40)])))) == [.want(writer: Self.writerA, start: 2, end: 3)])
        for length in 3...4 {
            let chunk = Self.chunk(Self.writerA, UInt64(length - 1), 1)
            _ = s.handle(.received(.data(chunk)))
            let stored = s.handle(.ingested(chunk, .success(.stored(newLength: UInt64(length)))))
            #expect(stored.contains(.loadCeilings) && Self.wants(stored).isEmpty)
            // The store: one more block (3 → ceiling 4), then the budget is full (4 → ceiling 4).
            let next = s.handle(.ceilingsLoaded(.success([Self.writerA: 4])))
            #expect(Self.wants(next) == (length == 3 ? [.want(writer: Self.writerA, start: 3, end: 4)] : []))
        }
        #expect(!s.handle(.ceilingsLoaded(.success([Self.writerA: 4]))).contains(.loadCeilings))
    }

    @Test func noDataStallsTheWriterUntilANewerHead() {
        var s = Self.openSession()
        _ = s.handle(.received(.have([Self.head(Self.writerA, 5)])))
        let actions = s.handle(.received(.noData(writer: Self.writerA, start: 0)))
        #expect(Self.wants(actions).isEmpty)
        #expect(actions.contains(.report(.synced)))
        #expect(Self.wants(s.handle(.received(.have([Self.head(Self.writerA, 7)])))) == [.want(writer: Self.writerA, start: 0, end: 7)])
    }

    @Test func rejectedDataDisconnectsThePeer() {
        var s = Self.openSession()
        _ = s.handle(.received(.have([Self.head(Self.writerA, 5)])))
        let chunk = Self.chunk(Self.writerA, 0, 5)
        _ = s.handle(.received(.data(chunk)))
        let actions = s.handle(.ingested(chunk, .success(.rejected(reason: "bad signature"))))
        #expect(actions.contains(.report(.rejectedData(writer: Self.writerA, reason: "bad signature"))))
        guard case let .close(reason, _, true) = actions.last else { Issue.record("expected close"); return }
        #expect(reason == .badData)
    }

    /// Blocks that do not count here are charged to the node's budget when the peer pushed them
    /// unasked; what we asked for is bounded by our own Wants and never charged.
    @Test func unaskedBlocksThatDoNotCountAreCharged() {
        var s = Self.openSession()
        func charges(_ actions: [SessionAction]) -> [Int] {
            actions.compactMap { if case let .chargeUnaskedUncounted(bytes) = $0 { bytes } else { nil } }
        }
        // Asked for (the Want 0..<10), not counted: not charged.
        #expect(Self.wants(s.handle(.received(.have([Self.head(Self.writerA, 10)])))) == [.want(writer: Self.writerA, start: 0, end: 10)])
        let asked = Self.chunk(Self.writerA, 0, 10)
        _ = s.handle(.received(.data(asked)))
        #expect(charges(s.handle(.ingested(asked, .success(.notCounted)))).isEmpty)
        // Pushed unasked and stored: a live push, not charged.
        let push = Self.chunk(Self.writerB, 0, 2)
        _ = s.handle(.received(.data(push)))
        #expect(charges(s.handle(.ingested(push, .success(.stored(newLength: 2))))).isEmpty)
        // Pushed unasked and not counted: charged, each chunk once, by its block bytes.
        let first = Self.chunk(Self.writerB, 2, 4), second = Self.chunk(Self.writerB, 6, 3)
        _ = s.handle(.received(.data(first)))
        _ = s.handle(.received(.data(second)))
        #expect(charges(s.handle(.ingested(first, .success(.notCounted)))) == [4])
        #expect(charges(s.handle(.ingested(second, .success(.notCounted)))) == [3])
        #expect(s.unaskedInStore.isEmpty)
    }

    /// The node's budget for them: a burst, then a rate, shared by every session.
    @Test func theUnaskedBudgetRefillsAtItsRate() {
        let budget = SharedTokenBucket(capacity: 100, perSecond: 10)
        #expect(budget.take(60, nowMilliseconds: 1000))
        #expect(!budget.take(60, nowMilliseconds: 1000))
        #expect(budget.take(40, nowMilliseconds: 1000))
        #expect(!budget.take(5, nowMilliseconds: 1100))
        #expect(budget.take(5, nowMilliseconds: 1500))
    }

    @Test func needsFullLogAsksFromZeroOnce() {
        var s = Self.openSession(local: [Self.head(Self.writerA, 20)])
        _ = s.handle(.received(.have([Self.head(Self.writerA, 30)])))
        let chunk = Self.chunk(Self.writerA, 20, 10)
        _ = s.handle(.received(.data(chunk)))
        let first = s.handle(.ingested(chunk, .success(.needsFullLog)))
        #expect(Self.wants(first).first == .want(writer: Self.writerA, start: 0, end: 10))
        let again = Self.chunk(Self.writerA, 0, 10)
        _ = s.handle(.received(.data(again)))
        let second = s.handle(.ingested(again, .success(.needsFullLog)))
        #expect(!Self.wants(second).contains { if case .want(_, 0, _) = $0 { return true } else { return false } })
    }

    @Test func sameLengthDifferentTreeIsInvestigated() {
        var s = Self.openSession(local: [Self.head(Self.writerA, 8, tree: 1)])
        let actions = s.handle(.received(.have([Self.head(Self.writerA, 8, tree: 2)])))
        #expect(Self.wants(actions) == [.want(writer: Self.writerA, start: 0, end: 8)])
    }

    @Test func servesWantsInStepsAndAnswersNoDataWhenEmpty() {
        var s = Self.openSession(local: [Self.head(Self.writerA, 20)])
        let first = s.handle(.received(.want(writer: Self.writerA, start: 0, end: 20)))
        let step1 = ChunkRequest(purpose: .serve, writer: Self.writerA, start: 0, end: 8, maxBytes: s.limits.chunkMaxBytes)
        #expect(first == [.loadChunks(step1)])
        let second = s.handle(.chunksLoaded(step1, .success([Self.chunk(Self.writerA, 0, 4), Self.chunk(Self.writerA, 4, 6)])))
        let step2 = ChunkRequest(purpose: .serve, writer: Self.writerA, start: 10, end: 18, maxBytes: s.limits.chunkMaxBytes)
        #expect(second == [.send(.data(Self.chunk(Self.writerA, 0, 4))), .send(.data(Self.chunk(Self.writerA, 4, 6))), .loadChunks(step2)])
        // Not writable: the next step waits.
        _ = s.handle(.writabilityChanged(false))
        #expect(s.handle(.chunksLoaded(step2, .success([Self.chunk(Self.writerA, 10, 5)]))) == [.send(.data(Self.chunk(Self.writerA, 10, 5)))])
        let step3 = ChunkRequest(purpose: .serve, writer: Self.writerA, start: 15, end: 20, maxBytes: s.limits.chunkMaxBytes)
        #expect(s.handle(.writabilityChanged(true)) == [.loadChunks(step3)])
        #expect(s.handle(.chunksLoaded(step3, .success([]))) == [.send(.noData(writer: Self.writerA, start: 15))])
    }

    @Test func tooManyQueuedWantsIsOverload() {
        var s = Self.openSession(local: [Self.head(Self.writerA, 20)])
        for i in 0..<4 { _ = s.handle(.received(.want(writer: Self.writerA, start: UInt64(i), end: 20))) }
        let actions = s.handle(.received(.want(writer: Self.writerA, start: 9, end: 20)))
        guard case let .close(reason, _, true) = actions.last else { Issue.record("expected close: \(actions)"); return }
        #expect(reason == .overloaded)
    }

    @Test func localChangePushesToAPeerAtOurPreviousLengthElseAnnounces() {
        var s = Self.openSession(local: [Self.head(Self.writerA, 10)])
        _ = s.handle(.received(.have([Self.head(Self.writerA, 10)])))
        let push = s.handle(.localChange([Self.head(Self.writerA, 12)]))
        #expect(push == [.loadChunks(ChunkRequest(purpose: .push, writer: Self.writerA, start: 10, end: 12,
                                                  maxBytes: s.limits.chunkMaxBytes))])
        // The peer is now assumed at 12, so the next append is pushed too.
        #expect(s.handle(.localChange([Self.head(Self.writerA, 13)])).count == 1)
        // A writer the peer is behind on is announced, once.
        var behind = Self.openSession(local: [Self.head(Self.writerB, 10)])
        _ = behind.handle(.received(.have([Self.head(Self.writerB, 4)])))
        #expect(behind.handle(.localChange([Self.head(Self.writerB, 11)])) == [.send(.have([Self.head(Self.writerB, 11)]))])
        #expect(behind.handle(.localChange([Self.head(Self.writerB, 11)])).isEmpty)
    }

    @Test func readingPausesWhileTheStoreIsBehind() {
        var s = Self.openSession()
        _ = s.handle(.received(.have([Self.head(Self.writerA, 10)])))
        let chunk = Self.chunk(Self.writerA, 0, 6)
        #expect(s.handle(.received(.data(chunk))).contains(.pauseReading))
        #expect(s.handle(.ingested(chunk, .success(.stored(newLength: 6)))).contains(.resumeReading))
    }

    @Test func keepAliveAndTimeouts() {
        var s = Self.openSession()
        #expect(s.handle(.received(.ping(9))) == [.send(.pong(9))])
        #expect(s.handle(.keepAliveDue) == [.send(.ping(1))])
        #expect(s.handle(.silenceTimeout) == [.close(.timeout, "nothing received from the peer for too long", notifyPeer: true)])
        var early = SyncSession(role: .responder, local: LocalNode(nodeName: "me", flags: [], nodeNonce: 5))
        #expect(early.handle(.keepAliveDue).isEmpty)
        guard case .close(_, _, false) = early.handle(.silenceTimeout).first else { Issue.record("expected silent close"); return }
    }

    @Test func peerCloseAndStoreFailuresEndTheSession() {
        var s = Self.openSession()
        #expect(s.handle(.received(.close(reason: .normal, message: "bye"))) == [.close(.normal, "peer closed: bye", notifyPeer: false)])
        var failing = SyncSession(role: .responder, local: LocalNode(nodeName: "me", flags: [], nodeNonce: 5))
        _ = failing.handle(.established(Self.caps))
        _ = failing.handle(.received(Self.remoteOpen))
        guard case let .close(reason, _, true) = failing.handle(.headsLoaded(.failure(StoreFailure(message: "disk")))).first else {
            Issue.record("expected close"); return
        }
        #expect(reason == .storeFailure)
    }
}
