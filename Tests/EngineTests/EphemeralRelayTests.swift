import Synchronization
import Testing
@testable import HyphaEngine

@Suite struct EphemeralRelayTests {
    let fixture = EphemeralFixture()
    let clock = EphemeralTestClock()

    func relay(keyed: Bool = false, limits: RelayLimits = RelayLimits()) -> EphemeralRelay<Int> {
        EphemeralRelay(databaseID: fixture.databaseID, deliversLocally: keyed, limits: limits, now: clock.closure)
    }

    @Test func forwardsWithOneHopLessAndDeliversOnlyOnKeyedNodes() throws {
        let envelope = fixture.seal(sentAt: clock.now)
        #expect(try relay().decide(envelope, hops: 4, from: 1).get() == RelayDecision(forwardHops: 3, deliverLocally: false))
        #expect(try relay(keyed: true).decide(envelope, hops: 4, from: 1).get() == RelayDecision(forwardHops: 3, deliverLocally: true))
    }

    @Test func hopLimit() throws {
        let relay = relay(keyed: true)
        // Last hop: delivered here, not forwarded.
        #expect(try relay.decide(fixture.seal(sentAt: clock.now), hops: 1, from: 1).get() == RelayDecision(forwardHops: nil, deliverLocally: true))
        #expect(throws: RelayDropReason.noHopsLeft) { try relay.decide(fixture.seal(sentAt: clock.now), hops: 0, from: 1).get() }
        // An inflated hop count is capped at the maximum.
        #expect(try relay.decide(fixture.seal(sentAt: clock.now), hops: 255, from: 1).get().forwardHops == 3)
    }

    @Test func deduplicatesWhicheverConnectionRepeatsIt() throws {
        let relay = relay()
        let envelope = fixture.seal(sentAt: clock.now)
        _ = try relay.decide(envelope, hops: 4, from: 1).get()
        #expect(throws: RelayDropReason.duplicate) { try relay.decide(envelope, hops: 4, from: 1).get() }
        #expect(throws: RelayDropReason.duplicate) { try relay.decide(envelope, hops: 3, from: 2).get() }
        // A different envelope reusing the message id (garbage from someone without the key)
        // does not block the genuine one: dedup is by the whole envelope.
        var forged = envelope
        forged[forged.count - 1] ^= 1
        let other = fixture.seal(sentAt: clock.now)
        _ = try relay.decide(forged, hops: 4, from: 3).get()
        _ = try relay.decide(other, hops: 4, from: 3).get()
    }

    @Test func refusesWhatNoPeerOfThisDatabaseShouldGet() {
        let relay = relay()
        let now = clock.now
        #expect(throws: RelayDropReason.envelope(.otherDatabase)) {
            try relay.decide(EphemeralFixture(masterByte: 0x33).seal(sentAt: now), hops: 4, from: 1).get()
        }
        #expect(throws: RelayDropReason.envelope(.stale)) { try relay.decide(fixture.seal(sentAt: now - 11 * EphemeralTestClock.minute), hops: 4, from: 1).get() }
        #expect(throws: RelayDropReason.envelope(.tooLarge(5000))) { try relay.decide([UInt8](repeating: 0, count: 5000), hops: 4, from: 1).get() }
        var badMagic = fixture.seal(sentAt: now)
        badMagic[0] = 0
        #expect(throws: RelayDropReason.envelope(.badMagic)) { try relay.decide(badMagic, hops: 4, from: 1).get() }
        // Relays forward types they do not know (newer versions may add some).
        var unknownType = fixture.seal(sentAt: now)
        unknownType[5] = 77
        #expect(throws: Never.self) { try relay.decide(unknownType, hops: 4, from: 1).get() }
    }

    @Test func neverEchoesToTheSource() {
        let sent = EphemeralRecorder<(hops: UInt8, except: Int?)>()
        let channel = EphemeralChannel(relay: relay(), receiver: nil) { _, hops, except in sent.append((hops, except)) }
        channel.handleIncoming(fixture.seal(sentAt: clock.now), hops: 4, from: 7)
        let own = fixture.seal(sentAt: clock.now)
        channel.send(own)
        // The node's own envelope echoed back by a peer is not forwarded again.
        channel.handleIncoming(own, hops: 3, from: 8)
        let calls = sent.all
        #expect(calls.count == 2)
        #expect(calls.first?.except == 7 && calls.first?.hops == 3)
        #expect(calls.last?.except == nil && calls.last?.hops == 4)
    }

    @Test func perConnectionTokenBucket() throws {
        var limits = RelayLimits()
        limits.messagesPerSecond = 20
        limits.burst = 40
        let relay = relay(limits: limits)
        for _ in 0..<40 { _ = try relay.decide(fixture.seal(sentAt: clock.now), hops: 4, from: 1).get() }
        #expect(throws: RelayDropReason.rateLimited) { try relay.decide(fixture.seal(sentAt: clock.now), hops: 4, from: 1).get() }
        // Garbage counts against the bucket too, and other connections are unaffected.
        #expect(throws: RelayDropReason.rateLimited) { try relay.decide([1, 2, 3], hops: 4, from: 1).get() }
        #expect(throws: Never.self) { try relay.decide(fixture.seal(sentAt: clock.now), hops: 4, from: 2).get() }
        clock.advance(by: 50) // one token at 20 per second
        #expect(throws: Never.self) { try relay.decide(fixture.seal(sentAt: clock.now), hops: 4, from: 1).get() }
        #expect(throws: RelayDropReason.rateLimited) { try relay.decide(fixture.seal(sentAt: clock.now), hops: 4, from: 1).get() }
        relay.connectionClosed(1)
        #expect(relay.memoryUse.trackedConnections == 1)
    }

    @Test func memoryStaysBoundedUnderAFloodOf10000DistinctEnvelopes() {
        var limits = RelayLimits()
        limits.dedupCapacity = 1_000
        limits.trackedConnections = 100
        limits.messagesPerSecond = 1_000_000
        limits.burst = 1_000_000
        let relay = relay(limits: limits)
        var forwarded = 0
        for i in 0..<10_000 {
            if case .success = relay.decide(fixture.seal(body: [UInt8](repeating: 0, count: 3_000), sentAt: clock.now), hops: 4, from: i) {
                forwarded += 1
            }
        }
        #expect(forwarded == 10_000)
        #expect(relay.memoryUse.dedupEntries == 1_000)
        #expect(relay.memoryUse.trackedConnections == 100)

        // With the default rate limit, one flooding connection gets 40 through.
        let defaults = self.relay()
        let envelopes = (0..<10_000).map { _ in fixture.seal(sentAt: clock.now) }
        let passed = envelopes.filter { if case .success = defaults.decide($0, hops: 4, from: 1) { true } else { false } }.count
        #expect(passed == 40)
    }

    @Test func dedupEntriesExpireAfterTheirLifetime() {
        var cache = RelayDedupCache(capacity: 10, lifetime: 1_000)
        let a = RelayDedupCache.digest(of: [1]), b = RelayDedupCache.digest(of: [2])
        let steps: [(RelayDedupCache.Digest, EpochMilliseconds)] = [(a, 0), (b, 500), (a, 999), (a, 1_000), (b, 1_200), (b, 1_500)]
        let inserted = steps.map { cache.insert($0.0, now: $0.1) }
        #expect(inserted == [true, true, false, true, false, true])
        #expect(cache.count == 2)
    }
}

/// Three keyed nodes and two keyless relays wired in process: A–R1, B–R1, B–R2, C–R2, R1–R2,
/// A–R2 (so there are cycles). Transmissions run from a FIFO until the network is quiet.
@Suite struct EphemeralTopologyTests {
    final class Network: Sendable {
        struct Transmission { let to: String, from: String, envelope: [UInt8], hops: UInt8 }
        let links: [String: [String]]
        let pending = Mutex<[Transmission]>([])
        let transmissions = Mutex(0)
        let channels = Mutex<[String: EphemeralChannel<String>]>([:])

        init(links: [(String, String)]) {
            var map: [String: [String]] = [:]
            for (a, b) in links { map[a, default: []].append(b); map[b, default: []].append(a) }
            self.links = map
        }

        func broadcast(from node: String) -> EphemeralChannel<String>.Broadcast {
            { [self] envelope, hops, except in
                for peer in links[node] ?? [] where peer != except {
                    pending.withLock { $0.append(Transmission(to: peer, from: node, envelope: envelope, hops: hops)) }
                    transmissions.withLock { $0 += 1 }
                }
            }
        }

        /// Runs until nothing is in flight; returns each node's received messages.
        func run() -> [String: [EphemeralMessage]] {
            var received: [String: [EphemeralMessage]] = [:]
            while let next = pending.withLock({ $0.isEmpty ? nil : $0.removeFirst() }) {
                guard let channel = channels.withLock({ $0[next.to] }) else { continue }
                if let message = channel.handleIncoming(next.envelope, hops: next.hops, from: next.from) {
                    received[next.to, default: []].append(message)
                }
            }
            return received
        }
    }

    @Test func everyMessageReachesEveryOtherNodeExactlyOnce() throws {
        let fixture = EphemeralFixture()
        let clock = EphemeralTestClock()
        let network = Network(links: [("A", "R1"), ("B", "R1"), ("B", "R2"), ("C", "R2"), ("R1", "R2"), ("A", "R2")])
        for name in ["A", "B", "C", "R1", "R2"] {
            let keyed = !name.hasPrefix("R")
            let relay = EphemeralRelay<String>(databaseID: fixture.databaseID, deliversLocally: keyed, now: clock.closure)
            let receiver = keyed ? fixture.receiver(clock: clock) : nil
            let channel = EphemeralChannel(relay: relay, receiver: receiver, broadcast: network.broadcast(from: name))
            network.channels.withLock { $0[name] = channel }
        }
        var sent: [String: Set<MessageID>] = [:]
        for sender in ["A", "B", "C"] {
            for n in 0..<5 {
                let id = MessageID.random()
                sent[sender, default: []].insert(id)
                let channel = try #require(network.channels.withLock { $0[sender] })
                channel.send(fixture.seal(body: Array("\(sender)\(n)".utf8), sentAt: clock.now, messageID: id))
            }
        }
        let received = network.run()
        for node in ["A", "B", "C"] {
            let ids = (received[node] ?? []).map(\.header.messageID)
            let expected = sent.filter { $0.key != node }.values.reduce(into: Set<MessageID>()) { $0.formUnion($1) }
            #expect(ids.count == expected.count, "\(node) received \(ids.count)")
            #expect(Set(ids) == expected)
        }
        #expect(received["R1"] == nil && received["R2"] == nil)
        // Each of the 15 envelopes crosses each of the 6 links at most once per direction.
        let total = network.transmissions.withLock { $0 }
        #expect(total <= 15 * 12, "\(total) transmissions")
    }
}
