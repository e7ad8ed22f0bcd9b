import Dispatch
import NIOCore
import Synchronization
import Testing
@testable import HyphaEngine

/// Real nodes on 127.0.0.1 (port 0), over raw TCP and WebSocket, with hand-made hostile clients.
@Suite(.serialized) struct NetworkSocketTests {
    static let writers = [NetworkFixtures.keyPair(1), NetworkFixtures.keyPair(2), NetworkFixtures.keyPair(3)]

    static func address(_ transport: TransportKind, _ port: Int) -> PeerAddress {
        PeerAddress(transport: transport, host: "127.0.0.1", port: port)
    }

    @Test(arguments: [TransportKind.tcp, .websocket])
    func syncsSeveralWritersThenPushesLiveBothWays(transport: TransportKind) async throws {
        let a = TestNode("node-a")
        let b = TestNode("node-b")
        NetworkFixtures.populate(a.store, writers: Self.writers, batches: 40, perBatch: 5)
        let port = try await a.listen()
        b.network.connect(to: Self.address(transport, port))

        #expect(await eventually { b.store.sameLogs(as: a.store) })
        #expect(b.store.storedCount >= 6)   // many chunks, not one message
        let synced = await eventually { b.network.peers().first?.syncState == .synced }
        #expect(synced)
        let outbound = try #require(b.network.peers().first)
        #expect(outbound.transport == transport && outbound.direction == .outbound && outbound.nodeName == "node-a")
        #expect(outbound.flags == [.writable])
        let inbound = try #require(a.network.peers().first)
        #expect(inbound.transport == transport && inbound.direction == .inbound && inbound.nodeName == "node-b")

        // Live: an append on A reaches B; a new writer on B reaches A.
        let head = a.store.append([Array("live-a".utf8)], by: Self.writers[0])
        a.network.notifyLocalChange(heads: [head])
        #expect(await eventually { b.store.length(of: Self.writers[0].publicKey) == head.length })
        let newWriter = NetworkFixtures.keyPair(9)
        b.network.notifyLocalChange(heads: [b.store.append([[1], [2], [3]], by: newWriter)])
        #expect(await eventually { a.store.length(of: newWriter.publicKey) == 3 })
        #expect(b.events.disconnectedCount == 0)

        await b.network.shutdown()
        #expect(await eventually { a.events.disconnectReasons.contains { $0.contains("shutting down") } })
        await a.network.shutdown()
    }

    @Test func resumesAfterTheConnectionIsCutRepeatedly() async throws {
        let a = TestNode("source") { $0.limits.chunkMaxBytes = 1024 }   // ~75 chunks to serve
        let b = TestNode("sink")
        NetworkFixtures.populate(a.store, writers: Array(Self.writers.prefix(2)), batches: 150, perBatch: 4)
        // Every fifth stored chunk, the sink drops its session (six sessions in all); it dials again.
        let cuts = Mutex((stored: 0, cuts: 0, last: ConnectionID?.none))
        let network = b.network
        b.store.setOnIngest { _, result in
            guard case .stored = result, let id = network.peers().first?.id else { return }
            let cut = cuts.withLock { c -> Bool in
                c.stored += 1
                guard c.cuts < 6, c.stored % 5 == 0, c.last != id else { return false }
                c.cuts += 1
                c.last = id
                return true
            }
            if cut { network.disconnect(id) }
        }
        let port = try await a.listen()
        b.network.connect(to: Self.address(.tcp, port))

        #expect(await eventually(20) { b.store.sameLogs(as: a.store) })
        #expect(cuts.withLock { $0.cuts } == 6)
        #expect(await eventually { b.events.connectedCount >= 7 })
        // Each session starts from what is stored: hardly anything arrives twice.
        #expect(b.store.ingestCount - b.store.storedCount <= 12)
        await b.network.shutdown()
        await a.network.shutdown()
    }

    /// A and B only know the relay R: what A writes reaches B through R, live, with no call on R.
    @Test func aRelayPassesLiveChangesOn() async throws {
        let relay = TestNode("relay") { $0.flags = [.alwaysOn] }
        let a = TestNode("a")
        let b = TestNode("b")
        NetworkFixtures.populate(a.store, writers: [Self.writers[0]], batches: 10, perBatch: 3)
        let port = try await relay.listen()
        a.network.connect(to: Self.address(.tcp, port))
        b.network.connect(to: Self.address(.websocket, port))
        #expect(await eventually { b.store.sameLogs(as: a.store) })
        #expect(b.network.peers().first?.flags == [.alwaysOn])
        for i in 0..<20 {
            a.network.notifyLocalChange(heads: [a.store.append([[UInt8(i)]], by: Self.writers[1])])
        }
        #expect(await eventually { b.store.length(of: Self.writers[1].publicKey) == 20 })
        #expect(b.store.sameLogs(as: a.store) && relay.store.sameLogs(as: a.store))
        await b.network.shutdown()
        await a.network.shutdown()
        await relay.network.shutdown()
    }

    @Test func liveChangesArriveWithLowLatency() async throws {
        let a = TestNode("writer")
        let b = TestNode("reader")
        let port = try await a.listen()
        b.network.connect(to: Self.address(.tcp, port))
        #expect(await eventually { b.network.peers().first?.syncState == .synced })
        let arrivals = Mutex<[UInt64: UInt64]>([:])
        b.store.setOnIngest { chunk, _ in
            let now = DispatchTime.now().uptimeNanoseconds
            arrivals.withLock { $0[chunk.signed.length] = now }
        }
        var latencies: [Double] = []
        for i in 1...200 {
            let start = DispatchTime.now().uptimeNanoseconds
            a.network.notifyLocalChange(heads: [a.store.append([Array("entry \(i)".utf8)], by: Self.writers[0])])
            let arrived = await eventually { arrivals.withLock { $0[UInt64(i)] } != nil }
            #expect(arrived)
            if let end = arrivals.withLock({ $0[UInt64(i)] }) { latencies.append(Double(end - start) / 1e6) }
        }
        latencies.sort()
        let median = latencies[latencies.count / 2], p99 = latencies[latencies.count * 99 / 100]
        print("live push over loopback TCP (debug build): median \(median) ms, p99 \(p99) ms, n=\(latencies.count)")
        #expect(latencies.count == 200)
        #expect(b.store.ingestCount == 200)   // pushed as Data, one chunk each, no duplicates
        await b.network.shutdown()
        await a.network.shutdown()
    }

    @Test func aPeerWithAnotherDatabaseIsRefusedAndLearnsNothing() async throws {
        let a = TestNode("owner")
        NetworkFixtures.populate(a.store, writers: [Self.writers[0]], batches: 2, perBatch: 2)
        let port = try await a.listen()

        // By hand: the stranger completes the key exchange and presents a capability for its own
        // database. It must get the responder's hello and then nothing at all.
        let raw = try RawHyphaClient(port: port)
        try raw.handshake(database: NetworkFixtures.databaseB)
        raw.socket.send(try raw.frame(raw.openMessage()))
        let rest = raw.socket.readUntilClosed()
        #expect(rest.closed)
        #expect(rest.bytes.isEmpty)

        // A real node with another database dials and never gets a session.
        let stranger = TestNode("stranger", database: NetworkFixtures.databaseB)
        stranger.network.connect(to: Self.address(.tcp, port))
        #expect(await eventually { stranger.events.all.contains { if case .connectFailed = $0 { true } else { false } } })
        #expect(stranger.events.connectedCount == 0 && a.events.connectedCount == 0)
        #expect(stranger.store.ingestCount == 0)
        await stranger.network.shutdown()
        await a.network.shutdown()
    }

    @Test func hostileConnectionsCloseWhileAnotherPeerKeepsSyncing() async throws {
        let a = TestNode("server")
        let b = TestNode("client")
        NetworkFixtures.populate(a.store, writers: Self.writers, batches: 120, perBatch: 4)
        let port = try await a.listen()
        b.network.connect(to: Self.address(.websocket, port))
        #expect(await eventually { b.events.connectedCount == 1 })

        var hello = Hello.encode(publicKey: try EphemeralKeyPair().publicKey)
        let cases: [(String, ([UInt8]) -> [UInt8], Bool)] = [
            ("HTTP request on another path", { _ in Array("GET /other HTTP/1.1\r\nHost: x\r\n\r\n".utf8) }, false),
            ("HTTP garbage", { _ in Array("GET \u{01}\u{02} nonsense\r\n\r\n".utf8) }, false),
            ("random bytes", { _ in (0..<64).map { _ in UInt8.random(in: 0...255) | 0x80 } }, false),
            ("wrong handshake version", { h in Array(h[0..<4]) + [9] + Array(h[5...]) }, false),
            ("small-order key", { h in Array(h[0..<5]) + [UInt8](repeating: 0, count: 32) }, false),
            ("oversized length prefix", { h in h + [0xFF, 0xFF, 0xFF, 0x7F] }, false),
            ("truncated frame", { h in h + [100, 0, 0, 0] + [UInt8](repeating: 1, count: 50) }, true),
            ("garbage frame", { h in h + [64, 0, 0, 0] + (0..<64).map { _ in UInt8.random(in: 0...255) } }, false),
        ]
        for (name, bytes, halfClose) in cases {
            let socket = try RawSocket(port: port)
            socket.send(bytes(hello))
            if halfClose { socket.shutdownWrite() }
            let result = socket.readUntilClosed(seconds: 2)
            #expect(result.closed, "\(name) was not closed")
            if name.hasPrefix("HTTP") {
                let status = name == "HTTP garbage" ? "HTTP/1.1 400" : "HTTP/1.1 404"
                #expect(String(decoding: result.bytes.prefix(12), as: UTF8.self) == status, "\(name)")
            }
            if ["random bytes", "wrong handshake version", "small-order key"].contains(name) {
                #expect(result.bytes.isEmpty, "\(name) got an answer")
            }
        }
        // A bit-flipped ciphertext after a real handshake.
        let raw = try RawHyphaClient(port: port)
        try raw.handshake(database: NetworkFixtures.databaseA)
        var frame = try raw.frame(raw.openMessage())
        frame[frame.count - 3] ^= 0x10
        raw.socket.send(frame)
        let flipped = raw.socket.readUntilClosed()
        #expect(flipped.closed && flipped.bytes.isEmpty)
        hello = []

        #expect(await eventually(20) { b.store.sameLogs(as: a.store) })
        #expect(b.events.connectedCount == 1 && b.events.disconnectedCount == 0)
        #expect(a.network.peers().count == 1)
        await b.network.shutdown()
        await a.network.shutdown()
    }

    /// The HTTP side of the listening port answers as PROTOCOL.md says, over a real socket: 404 for
    /// another path or for a request that is not a WebSocket upgrade, 400 for a request that does
    /// not parse, and closes; an over-long request is refused (400 or closed) without being
    /// buffered; a real upgrade still works afterwards.
    @Test func httpRequestsThatAreNotAnUpgradeAreAnsweredAndClosed() async throws {
        let a = TestNode("http")
        let port = try await a.listen()
        let upgrade = "Upgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"
        let cases: [(String, String, String)] = [
            ("upgrade on another path", "GET /other HTTP/1.1\r\nHost: x\r\n\(upgrade)Sec-WebSocket-Version: 13\r\n\r\n", "404"),
            ("upgrade below the path", "GET /hypha/x HTTP/1.1\r\nHost: x\r\n\(upgrade)Sec-WebSocket-Version: 13\r\n\r\n", "404"),
            ("upgrade to WebSocket 8", "GET /hypha HTTP/1.1\r\nHost: x\r\n\(upgrade)Sec-WebSocket-Version: 8\r\n\r\n", "404"),
            ("not an upgrade", "GET /hypha HTTP/1.1\r\nHost: x\r\n\r\n", "404"),
            ("another path", "GET /other HTTP/1.1\r\nHost: x\r\n\r\n", "404"),
            ("garbage after GET", "GET \u{01}\u{02} nonsense\r\n\r\n", "400"),
        ]
        for (name, request, status) in cases {
            let socket = try RawSocket(port: port)
            socket.send(Array(request.utf8))
            let result = socket.readUntilClosed(seconds: 3)
            #expect(result.closed, "\(name): not closed")
            #expect(String(decoding: result.bytes.prefix(12), as: UTF8.self) == "HTTP/1.1 \(status)", "\(name)")
        }
        let filler = "X-Filler: " + String(repeating: "f", count: 100) + "\r\n"
        let overLong = [
            ("request line", "GET /" + String(repeating: "a", count: 16_384)),
            ("headers", "GET /hypha HTTP/1.1\r\n" + String(repeating: filler, count: 200)),
        ]
        for (name, request) in overLong {
            let socket = try RawSocket(port: port)
            socket.send(Array(request.utf8))
            let result = socket.readUntilClosed(seconds: 3)
            #expect(result.closed, "over-long \(name): not closed")
            #expect(result.bytes.isEmpty || String(decoding: result.bytes.prefix(12), as: UTF8.self) == "HTTP/1.1 400",
                    "over-long \(name)")
        }
        let socket = try RawSocket(port: port)
        socket.send(Array("GET /hypha?from=test HTTP/1.1\r\nHost: x\r\n\(upgrade)Sec-WebSocket-Version: 13\r\n\r\n".utf8))
        #expect(socket.read(exactly: 12).map { String(decoding: $0, as: UTF8.self) } == "HTTP/1.1 101")
        await a.network.shutdown()
    }

    /// By hand over WebSocket: after a real upgrade, a text message or a binary message holding
    /// other than exactly one unit closes the connection.
    @Test func webSocketMessagesMustBeExactlyOneUnit() async throws {
        let a = TestNode("ws-server")
        let port = try await a.listen()
        let hello = Hello.encode(publicKey: try EphemeralKeyPair().publicKey)
        for (opcode, payload) in [(UInt8(0x1), Array("text".utf8)), (0x2, hello + hello), (0x2, Array(hello.prefix(20)))] {
            let socket = try RawSocket(port: port)
            socket.send(Array(("GET /hypha HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                + "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n").utf8))
            let response = try #require(socket.read(exactly: 12))
            #expect(String(decoding: response, as: UTF8.self) == "HTTP/1.1 101")
            socket.send(Self.maskedFrame(opcode: opcode, payload))
            #expect(socket.readUntilClosed().closed, "opcode \(opcode), \(payload.count) bytes")
        }
        await a.network.shutdown()
    }

    /// One client-to-server WebSocket frame (FIN set, masked, payload < 126 bytes).
    static func maskedFrame(opcode: UInt8, _ payload: [UInt8]) -> [UInt8] {
        let mask: [UInt8] = [0x12, 0x34, 0x56, 0x78]
        return [0x80 | opcode, 0x80 | UInt8(payload.count)] + mask + payload.enumerated().map { $0.element ^ mask[$0.offset % 4] }
    }

    @Test func badDataFromAPeerDisconnectsIt() async throws {
        let a = TestNode("victim")
        let port = try await a.listen()
        let raw = try RawHyphaClient(port: port)
        try raw.handshake(database: NetworkFixtures.databaseA)
        raw.socket.send(try raw.frame(raw.openMessage()))
        guard case .open = try raw.readMessage() else { Issue.record("no Open"); return }
        guard case .have([]) = try raw.readMessage() else { Issue.record("no Have"); return }
        // A chunk "signed" by someone else's key.
        let writer = Self.writers[0], forger = Self.writers[1]
        let tree = MemoryReplicationStore.chainStep([UInt8](repeating: 0, count: 32), [1])
        let forged = SignedHead(writer: writer.publicKey, length: 1, treeHash: tree,
                                signature: forger.sign(MemoryReplicationStore.signable(tree, 1)))
        raw.socket.send(try raw.frame(.data(BlockChunk(writer: writer.publicKey, start: 0, blocks: [[1]], signed: forged))))
        guard case let .close(reason, message) = try raw.readMessage() else { Issue.record("no Close"); return }
        #expect(reason == .badData)
        #expect(message.contains("bad signature"))
        #expect(raw.socket.readUntilClosed().closed)
        #expect(a.store.length(of: writer.publicKey) == 0)
        await a.network.shutdown()
    }

    @Test func idlePeersArePingedAndSilentOnesClosed() async throws {
        let a = TestNode("pinger") { configuration in
            configuration.pingAfterIdle = .milliseconds(50)
            configuration.closeAfterSilence = .milliseconds(400)
        }
        let port = try await a.listen()
        let raw = try RawHyphaClient(port: port)
        try raw.handshake(database: NetworkFixtures.databaseA)
        raw.socket.send(try raw.frame(raw.openMessage()))
        var pings = 0
        while let message = try raw.readMessage(seconds: 3) {
            if case .ping = message { pings += 1 }
            if case let .close(reason, _) = message { #expect(reason == .timeout) }
        }
        #expect(pings >= 2)
        #expect(raw.socket.readUntilClosed().closed)
        await a.network.shutdown()
    }

    @Test func ephemeralEnvelopesAreCarriedButNotEchoed() async throws {
        let a = TestNode("hub")
        let b = TestNode("leaf-b")
        let c = TestNode("leaf-c")
        let port = try await a.listen()
        b.network.connect(to: Self.address(.tcp, port))
        c.network.connect(to: Self.address(.websocket, port))
        #expect(await eventually { a.network.peers().count == 2 })
        let fromB = try #require(a.network.peers().first { $0.nodeName == "leaf-b" })
        #expect(a.network.broadcastEphemeral(envelope: [1, 2, 3], hops: 2, except: fromB.id) == 1)
        #expect(await eventually { c.events.ephemerals.count == 1 })
        #expect(c.events.ephemerals.first?.envelope == [1, 2, 3] && c.events.ephemerals.first?.hops == 2)
        #expect(b.network.broadcastEphemeral(envelope: [9], hops: 1) == 1)
        #expect(await eventually { a.events.ephemerals.contains { $0.envelope == [9] && $0.from == fromB.id } })
        #expect(b.events.ephemerals.isEmpty)
        await c.network.shutdown()
        await b.network.shutdown()
        await a.network.shutdown()
    }

    @Test func aNewConnectionTakesThePlaceOfTheOldestHandshakingOne() async throws {
        let a = TestNode("small") { $0.maxHandshaking = 1 }
        let port = try await a.listen()
        let first = try RawSocket(port: port)
        first.send(Array("HY".utf8))  // a pending handshake occupies the only place
        #expect(await eventually { a.network.admissionCounts.handshaking == 1 })
        let second = try RawSocket(port: port)
        #expect(first.readUntilClosed(seconds: 2).closed)
        #expect(!second.readUntilClosed(seconds: 0.2).closed)
        #expect(a.network.admissionCounts.evicted == 1)
        await a.network.shutdown()
    }

    @Test func aConnectionToSelfIsDroppedAndNotRetried() async throws {
        let a = TestNode("narcissus")
        let port = try await a.listen()
        let me = Self.address(.tcp, port)
        a.network.connect(to: me)
        #expect(await eventuallyAsync { await a.network.dialerIsStopped(me) == true })
        #expect(a.events.connectedCount == 0)
        #expect(a.network.peers().isEmpty)
        await a.network.shutdown()
    }
}

/// One listener serving two databases (a node that moved to a successor keeps its predecessor):
/// a peer of either database reaches that database's store; a peer of neither learns nothing.
@Suite(.serialized) struct NetworkHostingTests {
    @Test func aListenerServesAHostedDatabaseToItsPeers() async throws {
        let host = TestNode("host", database: NetworkFixtures.databaseA)
        let hosted = TestNode("host-old", database: NetworkFixtures.databaseB)
        host.network.host(hosted.network)
        let writer = NetworkFixtures.keyPair(4)
        hosted.network.notifyLocalChange(heads: [hosted.store.append([Array("old database".utf8)], by: writer)])
        host.store.append([Array("new database".utf8)], by: NetworkFixtures.keyPair(5))
        let port = try await host.listen()

        let oldPeer = TestNode("straggler", database: NetworkFixtures.databaseB)
        oldPeer.network.connect(to: NetworkSocketTests.address(.tcp, port))
        #expect(await eventually { oldPeer.store.sameLogs(as: hosted.store) })
        #expect(await eventually { hosted.network.peers().count == 1 && host.network.peers().isEmpty })

        let newPeer = TestNode("follower", database: NetworkFixtures.databaseA)
        newPeer.network.connect(to: NetworkSocketTests.address(.websocket, port))
        #expect(await eventually { newPeer.store.sameLogs(as: host.store) })
        #expect(!newPeer.store.sameLogs(as: hosted.store))
        #expect(await eventually { host.network.peers().count == 1 })

        for node in [oldPeer, newPeer, hosted, host] { await node.network.shutdown() }
    }
}
