import Testing
@testable import HyphaEngine

/// Decisions travel: an approval or a denial made on one node is a root-signed operation that
/// closes the request on every node; a denied request can never be approved; the check and the
/// append are one transaction.
@Suite struct AuthorisationDecisionTests {
    let master = SimulatedNode.master(41)

    /// Two authorised nodes, both holding the same pending request of a joiner.
    func setUp() throws -> (a: SimulatedNode, b: SimulatedNode, joiner: SimulatedNode, request: RequestID) {
        let (a, b) = try SimulatedNode.authorisedPair(master: master, names: ("desktop", "laptop"))
        let joiner = try SimulatedNode(master: master, deviceID: 3)
        try joiner.pull(from: a)
        let request = RequestID.random()
        try a.receiveRequest(from: joiner, name: "tablet", id: request)
        try b.receiveRequest(from: joiner, name: "tablet", id: request)
        return (a, b, joiner, request)
    }

    @Test func aDenialTravelsAndCanNeverBeApproved() throws {
        let (a, b, joiner, request) = try setUp()
        try a.database.deny(request: request)
        try b.pull(from: a)
        try joiner.pull(from: a)
        // The other node closes the request; approving it there fails with one clear line.
        #expect(try b.database.closeAnsweredRequests() == [request])
        #expect(try b.database.authorisationRequests().pending().isEmpty)
        #expect(try b.database.denial(of: request) == "desktop")
        do {
            try b.database.approve(request: request)
            Issue.record("a denied request was approved")
        } catch let error as EphemeralError {
            #expect("\(error)".contains("not pending") || "\(error)".contains("denied by desktop"))
        }
        #expect(try joiner.database.denial(of: request) == "desktop")   // the joiner learns it from the log
        #expect(try b.database.status(of: joiner.deviceKey) == .unknown)
    }

    @Test func approvingARequestDeniedElsewhereIsRefusedInTheSameTransaction() throws {
        let (a, b, joiner, request) = try setUp()
        try a.database.deny(request: request)
        try b.pull(from: a)                                 // the denial arrives; the row is still pending here
        #expect(throws: EphemeralError.requestDeniedElsewhere(id: request.hex, by: "desktop")) {
            try b.database.approve(request: request)
        }
        #expect(try b.database.status(of: joiner.deviceKey) == .unknown)
    }

    @Test func anApprovalClosesTheRequestEverywhere() throws {
        let (a, b, joiner, request) = try setUp()
        try a.database.approve(request: request)
        try b.pull(from: a)
        #expect(try b.database.closeAnsweredRequests() == [request])
        #expect(try b.database.authorisationRequests().record(request)?.state == .approved)
        #expect(throws: EphemeralError.self) { try b.database.deny(request: request) }
        #expect(try b.database.status(of: joiner.deviceKey) == .authorised)
    }

    @Test func approvalsOnTwoNodesAtOnceGiveOneWriterListedOnce() throws {
        let (a, b, joiner, request) = try setUp()
        try a.database.approve(request: request)
        try b.database.approve(request: request)           // concurrently: neither saw the other
        try a.pull(from: b)
        try b.pull(from: a)
        for node in [a, b] {
            let listed = try node.database.writers().filter { $0.key == joiner.deviceKey }
            #expect(listed.count == 1 && listed.first?.status == .authorised && listed.first?.name == "tablet")
        }
        #expect(try a.snapshot() == b.snapshot())
    }

    @Test func aConcurrentDenialBeatsAnApprovalOfTheSameRequest() throws {
        let (a, b, joiner, request) = try setUp()
        try a.database.approve(request: request)
        try b.database.deny(request: request)              // at the same time, on another node
        try a.pull(from: b)
        try b.pull(from: a)
        try joiner.pull(from: a)
        for node in [a, b, joiner] { #expect(try node.database.status(of: joiner.deviceKey) == .unknown) }
        // The joiner may ask again, with a new request: that one can be approved.
        let again = RequestID.random()
        try a.receiveRequest(from: joiner, name: "tablet", id: again)
        try a.database.approve(request: again)
        try b.pull(from: a)
        for node in [a, b] { #expect(try node.database.status(of: joiner.deviceKey) == .authorised) }
    }

    @Test func approvingTwiceOnOneNodeAppendsOnce() throws {
        let (a, _, joiner, request) = try setUp()
        try a.database.approve(request: request)
        let other = RequestID.random()
        try a.receiveRequest(from: joiner, name: "tablet", id: other)   // a re-sent request after the approval
        #expect(throws: EphemeralError.self) { try a.database.approve(request: other) }
        let approvals = try a.database.exportLogs().first { $0.writer == a.deviceKey }!.blocks.filter { $0[1] == EntryKind.approveRequest.rawValue }
        #expect(approvals.count == 1)
    }
}
