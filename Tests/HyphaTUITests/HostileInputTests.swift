import Foundation
import Testing
@testable import HyphaEngine

/// Bad input to a listening node: it keeps serving its other peers, stores nothing of it,
/// and shows no alert for anything that fails to verify.
@Suite(.serialized) struct HostileInputTests {
    @Test func aListeningNodeSurvivesHostileInput() async throws {
        let origin = try NodeFixture(name: "origin")
        #expect(try origin.run(["put", "k0", "v0"]).status == 0)
        let originNode = try origin.serve()
        let address = try originNode.listeningAddress()
        let port = try #require(Int(address.split(separator: ":").last ?? ""))
        let env = ["HYPHA_PASSPHRASE_FILE": origin.passphraseFile]
        let reader = try NodeProcess("reader", ["join", "--domain", "example.org", "--data-dir", origin.temp.path("reader"),
                                                "--name", "reader", "--peer", address], environment: env.merging(["HYPHA_JOIN_RESEND_MS": "600000"]) { $1 })
        try reader.waitForLog(writer: origin.deviceKey, length: 3)

        // Garbage on the socket: every such connection is closed.
        var random = SeededRandom(seed: 42)
        let garbage: [(String, [UInt8])] = [
            ("random bytes", (0..<4096).map { _ in UInt8(truncatingIfNeeded: random.next()) }),
            ("a small-order key", Array("HYPH".utf8) + [1] + [UInt8](repeating: 0, count: 32)),
            ("an unknown version", Array("HYPH".utf8) + [9] + [UInt8](repeating: 7, count: 32)),
            ("HTTP on a wrong path", Array("GET /nope HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\n\r\n".utf8)),
        ]
        for (name, bytes) in garbage {
            let socket = try RawSocket(port: port)
            socket.send(bytes)
            #expect(socket.closedByPeer(), "\(name) did not close the connection")
            socket.close()
        }
        // A real handshake, then frames: a truncated one (left hanging) and an oversized length.
        let hanging = try handshake(port: port)
        hanging.send([100, 0, 0, 0] + [UInt8](repeating: 1, count: 10))
        let oversized = try handshake(port: port)
        oversized.send([0x00, 0xFF, 0xFF, 0xFF])
        #expect(oversized.closedByPeer(), "an oversized frame length did not close the connection")
        oversized.close()

        // A peer that knows the database id (it holds the passphrase) sends bad envelopes.
        let keys = try await Identity.derive(passphrase: SecureBytes(copying: Array(origin.passphrase.utf8)), domain: "example.org")
        let attacker = try Attacker(databaseID: keys.databaseID, connectTo: address)
        let discovery = DiscoveryID(databaseID: keys.databaseID)
        let now = UInt64(Date().timeIntervalSince1970 * 1000)
        func seal(_ body: [UInt8], sentAt: UInt64 = now) throws -> [UInt8] {
            try EphemeralEnvelope.seal(type: .authorisationRequest, body: body, discoveryID: discovery, channelKey: keys.channelKey, sentAt: sentAt)
        }
        func request(_ name: String) throws -> [UInt8] {
            let device = try SigningKeyPair(seed: SecureBytes(copying: Sodium.randomBytes(32)))
            return try AuthorisationRequestMessage(databaseID: keys.databaseID, nodeName: name, deviceKeys: device).encoded
        }
        let genuine = try seal(try request("genuine"))
        var flipped = try seal(try request("flipped"))
        flipped[flipped.count - 20] ^= 0x04
        let stale = try seal(try request("stale"), sentAt: now - 11 * 60 * 1000)
        var zeroKey = BinaryWriter()
        zeroKey.raw(Sodium.randomBytes(16)); zeroKey.raw([UInt8](repeating: 0, count: 32)); zeroKey.string("zero-key"); zeroKey.raw([UInt8](repeating: 1, count: 64))
        let hostileName = try seal(try request("\u{1B}[2J\u{1B}]0;pwned\u{07}evil"))
        for envelope in [genuine, genuine, flipped, stale, try seal(zeroKey.bytes), hostileName, Array(genuine.prefix(40))] {
            attacker.send(envelope)
        }
        // The genuine request arrives once; nothing else becomes a request.
        try originNode.waitFor(event: "request") { ($0["node"] as? String) == "genuine" }
        attacker.send(try seal(try request("last")))
        try originNode.waitFor(event: "request") { ($0["node"] as? String) == "last" }
        // (The reader is a joining node too: its own genuine request may be there, depending on timing.)
        let requests = originNode.allEvents.filter { $0["event"] as? String == "request" }.compactMap { $0["node"] as? String }
        #expect(requests.filter { $0 != "reader" } == ["genuine", "last"])
        let pending = try HyphaProcess.run(["requests", "--json", "--data-dir", origin.dataDirectory])
        let listed = (try JSONSerialization.jsonObject(with: Data(pending.stdout.utf8)) as? [[String: Any]])?.compactMap { $0["node"] as? String }
        #expect(listed?.filter { $0 != "reader" } == ["genuine", "last"])
        let text = try HyphaProcess.run(["requests", "--data-dir", origin.dataDirectory]).stdout
        #expect(!text.utf8.contains(0x1B) && !text.utf8.contains(0x07))

        // Still serving: a new write reaches the reader; nothing from the attackers was stored.
        #expect(try origin.run(["put", "k1", "v1"]).status == 0)
        try reader.waitForLog(writer: origin.deviceKey, length: 4)
        let log = try JSONSerialization.jsonObject(with: Data(HyphaProcess.run(["log", "--json", "--data-dir", origin.dataDirectory]).stdout.utf8)) as? [String: Any]
        #expect((log?["writers"] as? [[String: Any]])?.count == 1)
        #expect(try HyphaProcess.run(["check", "--data-dir", origin.dataDirectory]).status == 0)
        hanging.close()
        await attacker.stop()
        reader.stop()
        originNode.stop()
    }

    /// Connects and completes the cleartext handshake (our hello, the node's hello).
    private func handshake(port: Int) throws -> RawSocket {
        let socket = try RawSocket(port: port)
        let pair = try EphemeralKeyPair()
        socket.send(Array("HYPH".utf8) + [1] + pair.publicKey)
        guard let hello = socket.read(37), Array(hello.prefix(4)) == Array("HYPH".utf8) else {
            throw NodeProcessError(message: "no handshake answer")
        }
        return socket
    }
}

/// A protocol-speaking peer of the right database with an empty store, used to send envelopes.
final class Attacker: Sendable {
    let network: PeerNetwork

    init(databaseID: DatabaseID, connectTo address: String) throws {
        let database = try HyphaDatabase.inMemory(databaseID: databaseID)
        let connected = DispatchSemaphore(value: 0)
        network = PeerNetwork(store: DatabaseReplicationStore(database: database),
                              configuration: NetworkConfiguration(nodeName: "attacker")) { event in
            if case .connected = event { connected.signal() }
        }
        network.connect(to: try PeerAddress(parsing: address))
        guard connected.wait(timeout: .now() + 20) == .success else {
            throw NodeProcessError(message: "the attacker could not connect")
        }
    }

    func send(_ envelope: [UInt8]) { _ = network.broadcastEphemeral(envelope: envelope, hops: 4) }
    func stop() async { await network.shutdown() }
}
