import Foundation
import Testing

/// Journeys 2, 3 and 6 with real processes on 127.0.0.1: an origin, an always-on node that
/// holds no secret, and a joiner that can reach only the always-on node.
@Suite(.serialized) struct ReplicationScenarioTests {
    @Test func originAlwaysOnAndJoinerReachableOnlyThroughTheRelay() throws {
        let origin = try NodeFixture(name: "origin")
        var history: [String] = []
        for i in 0..<20 {
            let value = "history-\(i)-" + UUID().uuidString
            history.append(value)
            #expect(try origin.run(["put", "h\(i)", value]).status == 0)
        }
        let originNode = try origin.serve()
        let originAddress = try originNode.listeningAddress()

        let relayDirectory = origin.temp.path("relay")
        let relay = try NodeProcess("relay", ["serve", "--always-on", "--database", origin.databaseID, "--data-dir", relayDirectory,
                                              "--listen", "127.0.0.1:0", "--peer", originAddress])
        let relayAddress = try relay.listeningAddress()

        let joinerDirectory = origin.temp.path("joiner")
        let joiner = try NodeProcess("joiner", ["join", "--domain", "example.org", "--data-dir", joinerDirectory, "--name", "laptop",
                                                "--peer", "ws://\(relayAddress)"],
                                     environment: ["HYPHA_PASSPHRASE_FILE": origin.passphraseFile, "HYPHA_JOIN_RESEND_MS": "500"])
        let waiting = try joiner.waitFor(event: "join") { ($0["state"] as? String) == "waiting" }
        let code = try #require(waiting["code"] as? String)

        // The request reaches the origin through the relay, with the same code.
        let request = try originNode.waitFor(event: "request") { ($0["code"] as? String) == code }
        #expect(request["node"] as? String == "laptop")

        // History replicated to the joiner, read-only so far.
        let joinerCLI = { (args: [String]) in
            try HyphaProcess.run(args + ["--data-dir", joinerDirectory], environment: ["HYPHA_PASSPHRASE_FILE": origin.passphraseFile])
        }
        let originKey = origin.deviceKey
        try joiner.waitForLog(writer: originKey, length: 22)
        #expect(try joinerCLI(["get", "h19"]).stdout == history[19] + "\n")
        let refused = try joinerCLI(["put", "early", "no"])
        #expect(refused.status == 1)
        #expect(refused.stderr.contains("not authorised to write yet"))

        // Approval on the origin makes the joiner writable.
        let approved = try origin.run(["authorise", try #require(request["id"] as? String)])
        #expect(approved.status == 0, "\(approved.stderr)")
        try joiner.waitFor(event: "join") { ($0["state"] as? String) == "authorised" }
        let joinerKey = try #require(try DataDirectoryReader.deviceKey(joinerDirectory))

        // Live writes both ways.
        let fromJoiner = "from-joiner-" + UUID().uuidString
        #expect(try joinerCLI(["put", "laptop-note", fromJoiner]).status == 0)
        try originNode.waitForLog(writer: joinerKey, length: 1)
        #expect(try origin.run(["get", "laptop-note"]).stdout == fromJoiner + "\n")
        let fromOrigin = "from-origin-" + UUID().uuidString
        #expect(try origin.run(["put", "origin-note", fromOrigin]).status == 0)
        try joiner.waitForLog(writer: originKey, length: 24)
        #expect(try joinerCLI(["get", "origin-note"]).stdout == fromOrigin + "\n")

        // The relay saw both peers and can read nothing.
        let peers = try HyphaProcess.run(["peers", "--json", "--data-dir", relayDirectory])
        let list = try #require(try JSONSerialization.jsonObject(with: Data(peers.stdout.utf8)) as? [[String: Any]])
        #expect(Set(list.compactMap { $0["node"] as? String }) == ["origin", "laptop"])
        #expect(list.contains { $0["transport"] as? String == "websocket" })
        #expect(try HyphaProcess.run(["get", "h1", "--data-dir", relayDirectory],
                                     environment: ["HYPHA_PASSPHRASE_FILE": origin.passphraseFile]).status == 1)
        for file in try FileManager.default.subpathsOfDirectory(atPath: relayDirectory) {
            let bytes = FileManager.default.contents(atPath: relayDirectory + "/" + file) ?? Data()
            for value in history + [fromJoiner, fromOrigin] {
                #expect(bytes.range(of: Data(value.utf8)) == nil, "plaintext value in the always-on node's \(file)")
            }
        }
        for node in [joiner, relay, originNode] { node.stop() }
    }
}

/// Reading a data directory's public config from tests.
enum DataDirectoryReader {
    static func deviceKey(_ directory: String) throws -> String? {
        let data = try Data(contentsOf: URL(fileURLWithPath: directory + "/config.json"))
        return (try JSONSerialization.jsonObject(with: data) as? [String: Any])?["deviceKey"] as? String
    }
}
