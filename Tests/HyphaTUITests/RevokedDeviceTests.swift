import Foundation
import Testing

/// A revoked device stops acting, with real processes: once it has the revocation it raises no
/// alerts and every command that would sign something fails with one line; an approval it made
/// after its cut-off (before it heard of the revocation) counts on no node.
@Suite(.serialized) struct RevokedDeviceTests {
    /// Origin A (running) and an authorised device T connected to it, listening, with an entry.
    struct Pair {
        let origin: NodeFixture
        let a: DataDir, t: DataDir
        var aNode: NodeProcess
        let tNode: NodeProcess
        let tAddress: String

        init() throws {
            origin = try NodeFixture(name: "a")
            a = DataDir(origin, name: "a")
            aNode = try origin.serve()
            t = DataDir("t", path: origin.temp.path("t"), passphraseFile: origin.passphraseFile)
            tNode = try Processes.join("t", path: t.path, passphraseFile: origin.passphraseFile,
                                       peers: [try aNode.listeningAddress()], listen: true, selfAuthorise: true)
            try tNode.waitFor(event: "selfAuthorised")
            tAddress = try tNode.listeningAddress()
            #expect(try t.run(["put", "t/note", "written before the revocation"]).status == 0)
            try aNode.waitForLog(writer: try #require(t.deviceKey), length: 2)
        }

        var tKey: String { t.deviceKey ?? "" }

        /// Whether `stderr` is the one line every signing command prints on a revoked device.
        static func isRevokedLine(_ stderr: String) -> Bool {
            stderr.wholeMatch(of: #/hypha: this device was revoked by a on \d{4}-\d{2}-\d{2}\n/#) != nil
        }
    }

    @Test func aRevokedDeviceRaisesNoAlertsAndRefusesToSign() throws {
        let p = try Pair()
        // A request T receives before its revocation: it still has the row.
        let earlier = DataDir("earlier", path: p.origin.temp.path("earlier"), passphraseFile: p.origin.passphraseFile)
        let earlierNode = try Processes.join("earlier", path: earlier.path, passphraseFile: p.origin.passphraseFile, peers: [p.tAddress])
        let earlierID = try p.tNode.requestID(from: "earlier")

        let revoked = try p.a.run(["revoke", "t"])
        #expect(revoked.status == 0, "\(revoked.stderr)")
        #expect(revoked.stdout.contains("its first 2 entries stay"), "\(revoked.stdout)")
        try Poll.until("T learns it was revoked") { try p.t.status(of: p.tKey) == "removed" }

        // Every command that signs something fails with the revocation line, and changes nothing.
        let lengthBefore = try p.t.logLengths()[p.tKey]
        for command in [["put", "t/late", "no"], ["del", "t/note"], ["authorise", earlierID], ["deny", earlierID], ["revoke", "a"]] {
            let result = try p.t.run(command)
            #expect(result.status == 1, "\(command)")
            #expect(Pair.isRevokedLine(result.stderr), "\(command): \(result.stderr)")
        }
        #expect(try p.t.logLengths()[p.tKey] == lengthBefore)
        #expect(try p.t.entry("t/note")?["value"] as? String == "written before the revocation", "its entries so far stay")

        // A request that arrives now reaches A through T, but raises no alert on T.
        let later = try Processes.join("later", path: p.origin.temp.path("later"), passphraseFile: p.origin.passphraseFile,
                                       peers: [p.tAddress])
        let laterID = try p.aNode.requestID(from: "later")
        // Everything A receives came through T: two more re-sends reaching A means T has long
        // handled the first request.
        let isRequest: ([String: Any]) -> Bool = { $0["event"] as? String == "ephemeral" && $0["type"] as? String == "authorisationRequest" }
        let seen = p.aNode.allEvents.filter(isRequest).count
        try p.aNode.waitUntil("two more requests relayed through T") { $0.filter(isRequest).count >= seen + 2 }
        #expect(p.tNode.allEvents.contains { $0["event"] as? String == "connected" && $0["node"] as? String == "later" })
        #expect(!p.tNode.allEvents.contains { $0["event"] as? String == "request" && $0["node"] as? String == "later" },
                "a revoked device raised an alert")
        #expect(try !p.t.requests().contains { $0["id"] as? String == laterID })
        let notHeld = try p.t.run(["authorise", laterID])
        #expect(notHeld.status == 1)
        #expect(notHeld.stderrLines.count == 1, "\(notHeld.stderr)")

        // A still sees T as removed after its first 2 entries; T, the joiners and A agree.
        let row = try #require(try p.a.node(p.tKey).first)
        #expect(row["status"] as? String == "removed")
        #expect(row["acceptedLength"] as? Int == 2)
        for node in [later, earlierNode, p.tNode, p.aNode] {
            #expect(node.isRunning, "\(node.name) exited")
            node.stop()
        }
    }

    @Test func anApprovalSignedAfterTheCutOffCountsNowhere() throws {
        var p = try Pair()
        // A joiner that can reach only T asks; T holds the request.
        let j = DataDir("j", path: p.origin.temp.path("j"), passphraseFile: p.origin.passphraseFile)
        let jNode = try Processes.join("j", path: j.path, passphraseFile: p.origin.passphraseFile, peers: [p.tAddress])
        let requestID = try p.tNode.requestID(from: "j")
        let jKey = try #require(j.deviceKey)

        // A revokes T while T cannot hear it (A's node is stopped): the cut-off is 2 entries.
        p.aNode.stop()
        #expect(try p.a.run(["revoke", "t"]).status == 0)
        #expect(try p.a.node(p.tKey).first?["acceptedLength"] as? Int == 2)

        // T, unaware, approves the request: its approval is after its cut-off.
        let approved = try p.t.run(["authorise", requestID])
        #expect(approved.status == 0, "T has not heard of its revocation yet: \(approved.stderr)")
        #expect(try p.t.run(["put", "t/after", "after the cut-off"]).status == 0)
        // The joiner hears T's approval first and believes it for now.
        try jNode.waitFor(event: "join") { $0["state"] as? String == "authorised" }

        // A comes back, connected to T: everyone learns of the revocation.
        p.aNode = try Processes.serve(p.a, peers: [p.tAddress])
        try Poll.until("T learns it was revoked") { try p.t.status(of: p.tKey) == "removed" }
        for node in [p.a, p.t, j] {
            try Poll.until("\(node) holds every log A holds and nothing of T after its cut-off",
                           detail: { "\(node): \(try node.logLengths()), a: \(try p.a.logLengths())" }) {
                let lengths = try node.logLengths()
                let aLengths = try p.a.logLengths()
                return lengths[p.tKey] == 2 && lengths[p.origin.deviceKey] == aLengths[p.origin.deviceKey]
            }
            #expect(try node.status(of: jKey) != "authorised", "\(node) honours an approval made after the cut-off")
            #expect(try node.status(of: p.tKey) == "removed", "\(node)")
            #expect(try node.run(["check"]).status == 0, "\(node)")
        }
        for node in [p.a, j] {
            #expect(try node.entry("t/after") == nil, "\(node) shows an entry written after the cut-off")
            #expect(try node.entry("t/note")?["value"] as? String == "written before the revocation", "\(node)")
        }
        let refused = try j.run(["put", "j/note", "no"])
        #expect(refused.status == 1)
        #expect(refused.stderr == "hypha: this node is not authorised to write yet (read-only)\n")
        for node in [jNode, p.tNode, p.aNode] {
            #expect(node.isRunning, "\(node.name) exited")
            node.stop()
        }
    }
}
