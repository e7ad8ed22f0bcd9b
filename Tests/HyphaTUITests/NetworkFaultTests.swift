import Foundation
import Testing

/// Relaying topologies and faults with real processes on 127.0.0.1.
@Suite(.serialized) struct NetworkFaultTests {
    /// Two relays connected to each other and three nodes, one of them reachable through both
    /// relays: every ephemeral message is delivered once per node, and none comes back.
    @Test func twoRelaysAndThreeNodesDeliverEachMessageOncePerNode() throws {
        let origin = try NodeFixture(name: "origin")
        let originNode = try origin.serve()
        let originAddress = try originNode.listeningAddress()
        let relay1 = try NodeProcess("relay1", ["serve", "--always-on", "--database", origin.databaseID, "--name", "relay1",
                                                "--data-dir", origin.temp.path("r1"), "--listen", "127.0.0.1:0", "--peer", originAddress])
        let r1 = try relay1.listeningAddress()
        let relay2 = try NodeProcess("relay2", ["serve", "--always-on", "--database", origin.databaseID, "--name", "relay2",
                                                "--data-dir", origin.temp.path("r2"), "--listen", "127.0.0.1:0", "--peer", r1])
        let r2 = try relay2.listeningAddress()

        // A second authorised node, signed in with the passphrase alone, reachable via both relays.
        let desk = origin.temp.path("desk")
        let env = ["HYPHA_PASSPHRASE_FILE": origin.passphraseFile]
        let signIn = try NodeProcess("desk-sign-in", ["join", "--domain", "example.org", "--data-dir", desk, "--name", "desk", "--self-authorise"], environment: env)
        try signIn.waitFor(event: "selfAuthorised")
        signIn.stop()
        let deskNode = try NodeProcess("desk", ["serve", "--data-dir", desk, "--listen", "127.0.0.1:0", "--peer", r1, "--peer", r2], environment: env)
        try deskNode.waitFor(event: "synced")

        // The joiner reaches only relay 2 and sends a request every 300 ms.
        let joiner = try NodeProcess("joiner", ["join", "--domain", "example.org", "--data-dir", origin.temp.path("joiner"),
                                                "--name", "laptop", "--peer", r2],
                                     environment: env.merging(["HYPHA_JOIN_RESEND_MS": "300"]) { $1 })
        for node in [originNode, deskNode] {
            try node.waitUntil("5 ephemeral messages", timeout: 60) { events in
                events.filter { $0["event"] as? String == "ephemeral" }.count >= 5
            }
        }
        for node in [originNode, deskNode] {
            let ids = node.allEvents.filter { $0["event"] as? String == "ephemeral" }.compactMap { $0["id"] as? String }
            #expect(Set(ids).count == ids.count, "\(node.name) received a message twice")
        }
        #expect(!joiner.allEvents.contains { $0["event"] as? String == "ephemeral" }, "a message came back to its sender")
        for node in [joiner, deskNode, relay2, relay1, originNode] { node.stop() }
    }

    /// Sync over a link that is cut again and again completes; a node killed with SIGKILL in
    /// the middle of a sync restarts and converges.
    @Test func syncSurvivesCutConnectionsAndAKilledNode() throws {
        let origin = try NodeFixture(name: "origin")
        let lines = (0..<12_000).map { "{\"key\":\"k\(String(format: "%06d", $0))\",\"value\":\"\(String(repeating: "v", count: 200))\"}" }
        // Batches of 500 (about 150 KB) are each verified whole, so a link cut every 400 KB
        // still carries at least one batch per connection.
        #expect(try origin.run(["import", origin.temp.file("in.jsonl", lines.joined(separator: "\n")), "--batch", "500"]).status == 0)
        let originNode = try origin.serve()
        let proxy = try CuttingProxy(target: try originNode.listeningAddress(), cutAfterBytes: 400_000)
        defer { proxy.shutdown() }
        let total = 12_002
        let readerDirectory = origin.temp.path("reader")
        let env = ["HYPHA_PASSPHRASE_FILE": origin.passphraseFile]
        let reader = try NodeProcess("reader", ["join", "--domain", "example.org", "--data-dir", readerDirectory, "--name", "reader",
                                                "--peer", proxy.address], environment: env)
        try reader.waitForLog(writer: origin.deviceKey, length: total, timeout: 120)
        #expect(proxy.cutCount >= 5, "the proxy cut \(proxy.cutCount) times")
        reader.stop()
        #expect(try HyphaProcess.run(["get", "k011999", "--data-dir", readerDirectory], environment: env).stdout == String(repeating: "v", count: 200) + "\n")

        // Killed mid-sync, restarted: converges and the database is intact.
        let second = origin.temp.path("second")
        let victim = try NodeProcess("victim", ["join", "--domain", "example.org", "--data-dir", second, "--name", "second",
                                                "--peer", try originNode.listeningAddress()], environment: env)
        try victim.waitFor("a partial sync") { ($0["event"] as? String) == "log" && ($0["length"] as? Int ?? 0) > 0 }
        victim.kill(SIGKILL)
        #expect(try HyphaProcess.run(["check", "--data-dir", second]).status == 0)
        let restarted = try NodeProcess("restarted", ["serve", "--data-dir", second, "--peer", try originNode.listeningAddress()], environment: env)
        try restarted.waitForLog(writer: origin.deviceKey, length: total, timeout: 120)
        restarted.stop()
        #expect(try HyphaProcess.run(["check", "--data-dir", second]).status == 0)
        #expect(try HyphaProcess.run(["list", "--data-dir", second], environment: env).stdout.split(separator: "\n").count == 12_000)
        originNode.stop()
    }

    /// A peer that does not know the database id learns nothing and is disconnected.
    @Test func aStrangerLearnsNothing() throws {
        let origin = try NodeFixture(name: "origin")
        #expect(try origin.run(["put", "secret-key", "secret-value"]).status == 0)
        let originNode = try origin.serve()
        let address = try originNode.listeningAddress()
        let stranger = NodeFixture.other()
        let strangerNode = try NodeProcess("stranger", ["serve", "--data-dir", stranger.dataDirectory, "--listen", "127.0.0.1:0", "--peer", address],
                                           environment: ["HYPHA_PASSPHRASE_FILE": stranger.passphraseFile])
        try strangerNode.waitFor(event: "connectFailed")
        #expect(!strangerNode.allEvents.contains { $0["event"] as? String == "connected" })
        #expect(!originNode.allEvents.contains { $0["event"] as? String == "connected" })
        let log = try #require(try JSONSerialization.jsonObject(with: Data(HyphaProcess.run(["log", "--json", "--data-dir", stranger.dataDirectory]).stdout.utf8)) as? [String: Any])
        #expect((log["writers"] as? [[String: Any]])?.count == 1)   // only its own
        strangerNode.stop()
        originNode.stop()
    }
}

extension NodeFixture {
    /// A node of another database (another passphrase).
    static func other() -> NodeFixture {
        try! NodeFixture(name: "stranger", words: ["supernova", "deflected", "agreement", "reflected", "antiquely", "twiddling", "simmering", "sensation"])
    }
}
