import NIOCore
import NIOEmbedded
import Testing
@testable import HyphaEngine

/// What a stranger or a peer without rights can cost a node: small reads before trust, places
/// that a flood cannot keep, and a bounded fan-out of ephemeral messages.
@Suite struct NetworkHostileTests {
    @Test func beforeItsOpenVerifiesAPeerIsReadSmall() async throws {
        let a = TestNode("server")
        let port = try await a.listen()
        // Raw TCP: a valid hello, then a frame of 2 KiB is refused on its length alone.
        let raw = try RawHyphaClient(port: port)
        try raw.handshake(database: NetworkFixtures.databaseA)
        raw.socket.send([0x00, 0x08, 0x00, 0x00])
        #expect(raw.socket.readUntilClosed().closed)
        // WebSocket: a frame announcing 1 MiB is cut once more than 4 KiB of it arrived.
        let socket = try RawSocket(port: port)
        socket.send(Array(("GET /hypha HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
            + "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n").utf8))
        #expect(socket.read(exactly: 12).map { String(decoding: $0, as: UTF8.self) } == "HTTP/1.1 101")
        socket.send([0x82, 0x80 | 127, 0, 0, 0, 0, 0, 0x10, 0, 0, 1, 2, 3, 4] + [UInt8](repeating: 7, count: 3000))
        #expect(!socket.readUntilClosed(seconds: 0.3).closed)
        socket.send([UInt8](repeating: 7, count: 2000))
        #expect(socket.readUntilClosed().closed)
        // A real peer still syncs protocol-sized frames after its Open.
        let b = TestNode("client")
        NetworkFixtures.populate(a.store, writers: [NetworkFixtures.keyPair(1)], batches: 20, perBatch: 8, size: 300)
        b.network.connect(to: NetworkSocketTests.address(.websocket, port))
        #expect(await eventually(20) { b.store.sameLogs(as: a.store) })
        await b.network.shutdown()
        await a.network.shutdown()
    }

    @Test func forwardedEnvelopesArePaidFromTheFanOutBudget() async throws {
        let hub = TestNode("hub") {
            $0.ephemeralFanOutBytesPerSecond = 1
            $0.ephemeralFanOutBurstBytes = 3000
        }
        let port = try await hub.listen()
        let leaves = [TestNode("leaf-1"), TestNode("leaf-2")]
        for leaf in leaves { leaf.network.connect(to: NetworkSocketTests.address(.tcp, port)) }
        #expect(await eventually { hub.network.peers().count == 2 })
        let envelope = [UInt8](repeating: 1, count: 1000)
        #expect(hub.network.broadcastEphemeral(envelope: envelope, hops: 2, forwarding: true) == 2)  // 2000 of 3000
        #expect(hub.network.broadcastEphemeral(envelope: envelope, hops: 2, forwarding: true) == 0)  // 2000 > 1000 left
        #expect(hub.network.broadcastEphemeral(envelope: envelope, hops: 2) == 2)                    // our own: not charged
        #expect(await eventually { leaves.allSatisfy { $0.events.ephemerals.count == 2 } })
        for leaf in leaves { await leaf.network.shutdown() }
        await hub.network.shutdown()
    }

    @Test func aPeerIsCutWhenTooMuchWaitsForItOrNothingMovesForTooLong() throws {
        func channel() throws -> EmbeddedChannel {
            let channel = EmbeddedChannel()
            try channel.pipeline.syncOperations.addHandler(OutboundQueueLimit(maxQueuedBytes: 100, stallTimeout: .seconds(3)))
            try channel.connect(to: try SocketAddress(ipAddress: "127.0.0.1", port: 1)).wait()
            return channel
        }
        // Written and sent: nothing waits.
        let reading = try channel()
        try reading.writeAndFlush(ByteBuffer(repeating: 1, count: 80)).wait()
        reading.embeddedEventLoop.advanceTime(by: .seconds(10))
        #expect(reading.isActive)
        // More than 100 bytes waiting (never flushed: the peer takes nothing).
        let flooded = try channel()
        flooded.write(ByteBuffer(repeating: 1, count: 60), promise: nil)
        #expect(flooded.isActive)
        flooded.write(ByteBuffer(repeating: 1, count: 60), promise: nil)
        #expect(!flooded.isActive)
        // A little waiting, and no progress for the stall timeout.
        let stalled = try channel()
        stalled.write(ByteBuffer(repeating: 1, count: 10), promise: nil)
        stalled.embeddedEventLoop.advanceTime(by: .seconds(2))
        #expect(stalled.isActive)
        stalled.embeddedEventLoop.advanceTime(by: .seconds(3))
        #expect(!stalled.isActive)
    }

    @Test func aNewcomerTakesThePlaceOfTheBusiestSourcesOldestConnection() throws {
        let admission = ConnectionAdmission(limits: .init(handshaking: 4, handshakingPerSource: 3, peers: 2, peersPerSource: 1))
        func channel(_ ip: String) throws -> EmbeddedChannel {
            let channel = EmbeddedChannel()
            try channel.connect(to: try SocketAddress(ipAddress: ip, port: 1000)).wait()
            return channel
        }
        let flood = try (0..<4).map { _ in try channel("10.0.0.9") }
        for (i, c) in flood.enumerated() { admission.admit(ConnectionID(rawValue: UInt64(i + 1)), channel: c) }
        #expect(!flood[0].isActive)                  // its address already held 3
        #expect(admission.counts.handshaking == 3)
        let quiet = try channel("192.0.2.1")
        admission.admit(ConnectionID(rawValue: 10), channel: quiet)
        #expect(admission.counts.handshaking == 4)
        let newcomer = try channel("198.51.100.7")
        admission.admit(ConnectionID(rawValue: 11), channel: newcomer)   // full: the flood's oldest goes
        #expect(!flood[1].isActive && flood[2].isActive && quiet.isActive)
        #expect(admission.promote(ConnectionID(rawValue: 10)))
        #expect(!admission.promote(ConnectionID(rawValue: 1)))            // evicted: no place
        #expect(admission.promote(ConnectionID(rawValue: 3)))
        #expect(!admission.promote(ConnectionID(rawValue: 4)))            // its address has its one peer place
        #expect(!admission.promote(ConnectionID(rawValue: 11)))           // both peer places taken
        #expect(admission.counts == (handshaking: 0, peers: 2, evicted: 2))
        admission.closed(ConnectionID(rawValue: 3))
        #expect(admission.counts.peers == 1)
        #expect(ConnectionAdmission.sourceKey(try SocketAddress(ipAddress: "2001:db8:1:2:3:4:5:6", port: 1)) == "2001:db8:1:2::/64")
        #expect(ConnectionAdmission.sourceKey(try SocketAddress(ipAddress: "::ffff:192.0.2.1", port: 1)) == "192.0.2.1")
    }
}
