import Foundation
import Testing

/// A real fork with real processes on 127.0.0.1: a writer's data directory restored from a copy
/// writes on both copies. The proof travels to every node (full nodes, an always-on node, a node
/// that joins afterwards), each cuts the forked log back to before the fork, and all of them end
/// with the same entries.
@Suite(.serialized) struct ForkTravelTests {
    @Test func aForkTravelsToEveryNodeAndTheyAllAgree() throws {
        let origin = try NodeFixture(name: "d1")
        let temp = origin.temp
        let d1 = DataDir(origin, name: "d1")
        let d1Node = try origin.serve()
        let d1Address = try d1Node.listeningAddress()
        let relayDir = DataDir("relay", path: temp.path("relay"), passphraseFile: nil)
        let relay = try Processes.relay(relayDir.path, databaseID: origin.databaseID, peers: [d1Address])
        let relayAddress = try relay.listeningAddress()
        // D2: another authorised node (signed in with the passphrase), connected to D1 throughout.
        let d2 = DataDir("d2", path: temp.path("d2"), passphraseFile: origin.passphraseFile)
        let d2Node = try Processes.join("d2", path: d2.path, passphraseFile: origin.passphraseFile, peers: [d1Address],
                                        listen: true, selfAuthorise: true)
        try d2Node.waitFor(event: "selfAuthorised")
        try d2Node.waitFor(event: "synced")

        // W: an authorised node that writes while offline, then is copied like a restored backup.
        let w = DataDir("w", path: temp.path("w"), passphraseFile: origin.passphraseFile)
        let signIn = try Processes.join("w", path: w.path, passphraseFile: origin.passphraseFile, peers: [], selfAuthorise: true)
        try signIn.waitFor(event: "selfAuthorised")
        signIn.stop()
        #expect(try w.run(["put", "fork/key", "before the fork"]).status == 0)
        #expect(try w.run(["put", "w/note", "shared history"]).status == 0)
        let wKey = try #require(w.deviceKey)
        let forkPoint = try #require(try w.logLengths()[wKey])   // the first position the copies disagree on
        let w2 = DataDir("w2", path: temp.path("w2"), passphraseFile: origin.passphraseFile)
        try Processes.copyDirectory(w.path, to: w2.path)
        #expect(try w.run(["put", "fork/key", "written by W"]).status == 0)
        #expect(try w2.run(["put", "fork/key", "written by W2"]).status == 0)
        #expect(try w2.run(["put", "w2/extra", "only on the copy"]).status == 0)
        #expect(w2.deviceKey == wKey, "the copy signs with the same device key")

        // W's branch reaches D1 (and through it D2 and the relay); W stops.
        let wNode = try Processes.serve(w, peers: [d1Address])
        for node in [d1Node, d2Node, relay] { try node.waitForLog(writer: wKey, length: forkPoint + 1) }
        #expect(try d2.entry("fork/key")?["value"] as? String == "written by W")
        wNode.stop()

        // W2's branch reaches D2: D2 finds the fork; the proof travels to D1 and the relay.
        let w2Node = try Processes.serve(w2, peers: [try d2Node.listeningAddress()])
        for node in [d2, d1, relayDir] {
            try Poll.until("\(node) knows W forked at \(forkPoint)", detail: { "nodes: \(try node.node(wKey))" }) {
                try node.node(wKey).first?["forkedAt"] as? Int == forkPoint
            }
        }
        // The copy learns that its own log forked and refuses to write.
        try Poll.until("W2 knows its own log forked") { try w2.node(wKey).first?["forkedAt"] as? Int == forkPoint }
        let refused = try w2.run(["put", "fork/key", "again"])
        #expect(refused.status == 1)
        #expect(refused.stderr == "hypha: this device's log forked at entry \(forkPoint) (a copy of its data directory wrote too): its later writes count nowhere; join again as a new device\n")
        w2Node.stop()

        // A node that joins afterwards, through the always-on node only.
        let fresh = DataDir("fresh", path: temp.path("fresh"), passphraseFile: origin.passphraseFile)
        let freshNode = try Processes.join("fresh", path: fresh.path, passphraseFile: origin.passphraseFile, peers: [relayAddress])
        try freshNode.waitFor(event: "synced")
        try Poll.until("the fresh node knows W forked", detail: { "nodes: \(try fresh.node(wKey))" }) {
            try fresh.node(wKey).first?["forkedAt"] as? Int == forkPoint
        }

        for node in [d1, d2, relayDir, fresh] {
            let row = try #require(try node.node(wKey).first, "\(node) lists W")
            #expect(row["forkedAt"] as? Int == forkPoint, "\(node)")
            #expect(row["acceptedLength"] as? Int == forkPoint, "\(node): nothing from the fork on counts")
            #expect(row["length"] as? Int ?? .max <= forkPoint, "\(node): a forked log is kept only up to the fork")
            let check = try node.run(["check"])
            #expect(check.status == 0, "\(node): \(check.stdout) \(check.stderr)")
            #expect(check.stderr.contains("fork proof: writer \(wKey.prefix(8)) signed two different blocks at position \(forkPoint)"),
                    "\(node): \(check.stderr)")
        }
        // Every full node shows the same entries: the history before the fork, neither branch.
        let expected = try d1.listing()
        for node in [d2, fresh] {
            #expect(try node.listing() == expected, "\(node) and d1 differ")
        }
        for node in [d1, d2, fresh] {
            let entry = try #require(try node.entry("fork/key"), "\(node)")
            #expect(entry["value"] as? String == "before the fork", "\(node)")
            #expect((entry["versions"] as? [[String: Any]])?.count == 1, "\(node)")
            #expect(try node.entry("w2/extra") == nil, "\(node)")
            #expect(try node.entry("w/note")?["value"] as? String == "shared history", "\(node)")
        }
        for node in [freshNode, d2Node, relay, d1Node] {
            #expect(node.isRunning, "\(node.name) exited")
            node.stop()
        }
    }
}
