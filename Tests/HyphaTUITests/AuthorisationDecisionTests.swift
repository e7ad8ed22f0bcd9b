import Foundation
import Testing

/// Approvals and denials are root-signed operations that replicate: with real processes, two
/// authorised nodes A and B (both running, connected) and a node asking to join through A.
@Suite(.serialized) struct AuthorisationDecisionTests {
    /// A, B and a joiner J connected to A. The request reaches both A and B.
    struct Cluster {
        let origin: NodeFixture
        let a: DataDir, b: DataDir, j: DataDir
        let aNode: NodeProcess, bNode: NodeProcess, jNode: NodeProcess
        let requestID: String

        init(joinerName: String = "joiner") throws {
            origin = try NodeFixture(name: "a")
            a = DataDir(origin, name: "a")
            aNode = try origin.serve()
            let aAddress = try aNode.listeningAddress()
            b = DataDir("b", path: origin.temp.path("b"), passphraseFile: origin.passphraseFile)
            bNode = try Processes.join("b", path: b.path, passphraseFile: origin.passphraseFile, peers: [aAddress],
                                       listen: true, selfAuthorise: true)
            try bNode.waitFor(event: "selfAuthorised")
            try aNode.waitForLog(writer: try #require(b.deviceKey), length: 1)
            j = DataDir(joinerName, path: origin.temp.path("j"), passphraseFile: origin.passphraseFile)
            jNode = try Processes.join(joinerName, path: j.path, passphraseFile: origin.passphraseFile, peers: [aAddress])
            requestID = try aNode.requestID(from: joinerName)
            #expect(try bNode.requestID(from: joinerName) == requestID, "the request reaches B through A")
            let code = try jNode.waitFor(event: "join") { $0["state"] as? String == "waiting" }["code"] as? String
            #expect(try a.requests().first { $0["id"] as? String == requestID }?["code"] as? String == code)
        }

        var all: [DataDir] { [a, b, j] }
        var joinerKey: String { j.deviceKey ?? "" }

        func stop() { for node in [jNode, bNode, aNode] { node.stop() } }
    }

    @Test func aDeniedRequestCanNeverBeApprovedElsewhere() throws {
        let c = try Cluster()
        let denied = try c.a.run(["deny", c.requestID, "--reason", "not this one"])
        #expect(denied.status == 0, "\(denied.stderr)")
        // The denial replicates to B, where the request closes.
        try Poll.until("B closes the denied request") { try !c.b.requests().contains { $0["id"] as? String == c.requestID } }
        let refused = try c.b.run(["authorise", c.requestID])
        #expect(refused.status == 1)
        #expect(refused.stderrLines.count == 1, "\(refused.stderr)")
        #expect(refused.stderr == "hypha: request \(c.requestID) was denied by a; a denied request can never be approved (the node may ask again)\n")
        // The joiner is told, and stops asking.
        let event = try c.jNode.waitFor(event: "join") { $0["state"] as? String == "denied" }
        #expect((event["reason"] as? String)?.isEmpty == false)
        for node in c.all {
            #expect(try node.status(of: c.joinerKey) != "authorised", "\(node) lists the denied node as a writer")
        }
        #expect(try c.j.run(["put", "k", "v"]).status == 1)
        c.stop()
    }

    @Test func aDenialAndAnApprovalMadeAtOnceLeaveTheNodeOut() throws {
        // Both decide before either hears of the other (B is stopped while it decides).
        let c = try Cluster()
        c.bNode.stop()
        let denied = try c.a.run(["deny", c.requestID])
        #expect(denied.status == 0, "\(denied.stderr)")
        let approved = try c.b.run(["authorise", c.requestID])
        #expect(approved.status == 0, "B had not heard of the denial: \(approved.stderr)")
        let bAgain = try Processes.serve(c.b, peers: [try c.aNode.listeningAddress()])
        try bAgain.waitFor(event: "synced")
        // The denial beats the approval, on every node.
        for node in c.all {
            try Poll.until("\(node) settles on the denial", detail: { "nodes: \(try node.nodes())" }) {
                try node.status(of: c.joinerKey) != "authorised" && node.logLengths() == c.a.logLengths()
            }
        }
        #expect(try c.j.run(["put", "k", "v"]).status == 1)
        bAgain.stop()
        c.stop()
    }

    @Test func anApprovalOnAClosesTheRequestOnBWithinOneSync() throws {
        let c = try Cluster()
        #expect(try c.b.requests().contains { $0["id"] as? String == c.requestID })
        let aKey = c.origin.deviceKey
        let before = try #require(try c.a.logLengths()[aKey])
        let approved = try c.a.run(["authorise", c.requestID])
        #expect(approved.status == 0, "\(approved.stderr)")
        // One sync: B stores A's approval; the request closes right away.
        try c.bNode.waitForLog(writer: aKey, length: before + 1)
        try Poll.until("B no longer lists the approved request", timeout: 2, interval: 0.05) {
            try !c.b.requests().contains { $0["id"] as? String == c.requestID }
        }
        try c.jNode.waitFor(event: "join") { $0["state"] as? String == "authorised" }
        let again = try c.b.run(["authorise", c.requestID])
        #expect(again.status == 1, "approving an approved request again does nothing")
        for node in c.all {
            try Poll.until("\(node) lists the joiner as authorised") { try node.status(of: c.joinerKey) == "authorised" }
            #expect(try node.node(c.joinerKey).first?["addedByName"] as? String == "a")
        }
        c.stop()
    }

    @Test func approvingOnTwoNodesAtOnceGivesOneAuthorisedNode() throws {
        let c = try Cluster()
        // Both commands start together, beside running nodes.
        let results = LockedBox<[String: HyphaProcess.Result]>([:])
        let group = DispatchGroup()
        for node in [c.a, c.b] {
            DispatchQueue.global().async(group: group) {
                let result = try? node.run(["authorise", c.requestID])
                results.withLock { $0[node.name] = result }
            }
        }
        group.wait()
        let outcomes = results.withLock { $0 }
        #expect(outcomes.values.contains { $0.status == 0 }, "\(outcomes.mapValues(\.stderr))")
        for (name, result) in outcomes where result.status != 0 {
            // The slower one may have seen the other's approval already: a clear refusal.
            #expect(result.stderrLines.count == 1, "\(name): \(result.stderr)")
        }
        try c.jNode.waitFor(event: "join") { $0["state"] as? String == "authorised" }
        try expectOneAuthorisedJoiner(c)
        c.stop()
    }

    @Test func twoApprovalsMadeApartGiveOneAuthorisedNode() throws {
        // Both approvals certainly exist: each node approves while the other cannot hear it.
        let c = try Cluster()
        c.bNode.stop()
        #expect(try c.a.run(["authorise", c.requestID]).status == 0)
        let second = try c.b.run(["authorise", c.requestID])
        #expect(second.status == 0, "\(second.stderr)")
        let bAgain = try Processes.serve(c.b, peers: [try c.aNode.listeningAddress()])
        try bAgain.waitFor(event: "synced")
        try expectOneAuthorisedJoiner(c)
        bAgain.stop()
        c.stop()
    }

    private func expectOneAuthorisedJoiner(_ c: Cluster) throws {
        let key = c.joinerKey
        for node in c.all {
            try Poll.until("\(node) has every log", detail: { "\(try node.logLengths()) vs \(try c.a.logLengths())" }) {
                try node.logLengths().filter { $0.key != key } == (try c.a.logLengths().filter { $0.key != key })
            }
            let rows = try node.node(key)
            #expect(rows.count == 1, "\(node): \(rows)")
            #expect(rows.first?["status"] as? String == "authorised", "\(node)")
            #expect(rows.first?["name"] as? String == "joiner", "\(node)")
            let nodes = try node.nodes()
            #expect(Set(nodes.compactMap { $0["key"] as? String }).count == nodes.count, "\(node) lists a node twice")
        }
        // Every node names the same approver.
        let approvers = try c.all.map { try $0.node(key).first?["addedBy"] as? String ?? "" }
        #expect(Set(approvers).count == 1, "\(approvers)")
        #expect(try c.j.run(["put", "joined", "yes"]).status == 0)
    }
}
