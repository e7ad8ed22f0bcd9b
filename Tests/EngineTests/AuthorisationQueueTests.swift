import Testing
@testable import HyphaEngine

@Suite struct AuthorisationQueueTests {
    let fixture = EphemeralFixture()
    let clock = EphemeralTestClock()

    func queue(path: String? = nil) throws -> AuthorisationRequests {
        AuthorisationRequests(writer: try openEphemeralDatabase(path), now: clock.closure)
    }

    /// A request as the approver receives it: signed by device `seed`, verified on decode.
    func request(device seed: UInt8, name: String = "laptop", id: RequestID = .random()) throws -> VerifiedAuthorisationRequest {
        let message = try AuthorisationRequestMessage(databaseID: fixture.databaseID, requestID: id, nodeName: name, deviceKeys: ephemeralDeviceKeys(seed))
        guard case let .request(verified) = try AuthorisationMessage.decode(type: .authorisationRequest, body: message.encoded,
                                                                           databaseID: fixture.databaseID).get() else {
            throw AuthorisationRejection.malformed("not a request")
        }
        return verified
    }

    func admitted(_ result: AdmissionResult) -> AuthorisationRecord? {
        if case let .admitted(record, _) = result { return record }
        return nil
    }

    @Test func aResentRequestDoesNotMakeANewEntry() throws {
        let queue = try queue()
        let laptop = try request(device: 1)
        let first = try #require(admitted(try queue.admit(laptop)))
        #expect(first.state == .pending && first.code == laptop.code && first.nodeName == "laptop")
        #expect(first.expiresAt == clock.now + 10 * EphemeralTestClock.minute)
        clock.advance(by: 5_000)
        #expect(try queue.admit(laptop) == .duplicate(first))
        #expect(try queue.pending().count == 1)
    }

    @Test func atMostEightPending() throws {
        let queue = try queue()
        for seed in UInt8(1)...8 { #expect(admitted(try queue.admit(try request(device: seed))) != nil) }
        #expect(try queue.admit(try request(device: 9)) == .refused(.queueFull))
        let oldest = try #require(try queue.pending().first)
        try queue.deny(oldest.requestID)
        #expect(admitted(try queue.admit(try request(device: 9))) != nil)
    }

    @Test func aFloodOfDistinctValidRequestsStaysCapped() throws {
        let queue = try queue()
        var admittedCount = 0, refusedFull = 0
        for _ in 0..<1_000 {
            let device = try SigningKeyPair(seed: SecureBytes(copying: (0..<32).map { _ in UInt8.random(in: 0...255) }))
            let message = try AuthorisationRequestMessage(databaseID: fixture.databaseID, nodeName: "laptop", deviceKeys: device)
            guard case let .request(verified) = try AuthorisationMessage.decode(type: .authorisationRequest, body: message.encoded,
                                                                               databaseID: fixture.databaseID).get() else { continue }
            switch try queue.admit(verified) {
            case .admitted: admittedCount += 1
            case .refused(.queueFull): refusedFull += 1
            default: break
            }
            clock.advance(by: 50)
        }
        #expect(admittedCount == 8 && refusedFull == 992)
        #expect(try queue.pending().count == 8)
    }

    @Test func atMostThirtyAdmittedPerHour() throws {
        let queue = try queue()
        for seed in UInt8(1)...30 {
            let record = try #require(admitted(try queue.admit(try request(device: seed))))
            try queue.deny(record.requestID)
            clock.advance(by: 60_000)
        }
        #expect(try queue.admit(try request(device: 31)) == .refused(.hourlyLimit))
        clock.advance(by: 30 * 60_000 + 1)
        #expect(admitted(try queue.admit(try request(device: 31))) != nil)
    }

    @Test func aNewerRequestFromTheSameDeviceSupersedesTheOlder() throws {
        let queue = try queue()
        let old = try #require(admitted(try queue.admit(try request(device: 1))))
        let result = try queue.admit(try request(device: 1))
        guard case let .admitted(new, superseded) = result else { Issue.record("not admitted: \(result)"); return }
        #expect(superseded == old.requestID)
        #expect(try queue.pending().map(\.requestID) == [new.requestID])
        #expect(throws: EphemeralError.requestNotPending(id: old.requestID.hex, state: .superseded)) { try queue.approve(old.requestID) }
        #expect(try queue.record(new.requestID)?.state == .pending)
        // The superseded id coming again stays superseded.
        #expect(try queue.admit(try request(device: 1, id: old.requestID)) == .duplicate(try #require(try queue.record(old.requestID))))
    }

    @Test func requestsExpireAfterTenMinutes() throws {
        let queue = try queue()
        let record = try #require(admitted(try queue.admit(try request(device: 1))))
        clock.advance(by: 10 * EphemeralTestClock.minute - 1)
        #expect(try queue.pending().count == 1)
        clock.advance(by: 1)
        #expect(try queue.pending().isEmpty)
        #expect(try queue.record(record.requestID)?.state == .expired)
        #expect(throws: EphemeralError.requestExpired(id: record.requestID.hex)) { try queue.approve(record.requestID) }
    }

    @Test func theNodeLearnsWhichRequestsExpired() throws {
        let queue = try queue()
        let record = try #require(admitted(try queue.admit(try request(device: 1))))
        #expect(try queue.expireOverdue().isEmpty)
        clock.advance(by: 10 * EphemeralTestClock.minute)
        #expect(try queue.expireOverdue() == [record.requestID])
        #expect(try queue.expireOverdue().isEmpty)
    }

    @Test func expiryIsEnforcedEvenWhenNobodyListed() throws {
        let queue = try queue()
        let record = try #require(admitted(try queue.admit(try request(device: 1))))
        clock.advance(by: 11 * EphemeralTestClock.minute)
        #expect(throws: EphemeralError.requestExpired(id: record.requestID.hex)) { try queue.approve(record.requestID) }
        #expect(try queue.record(record.requestID)?.state == .expired)
    }

    @Test func approvingOneOfTwoSameNamedRequestsLeavesTheOtherPending() throws {
        let queue = try queue()
        let first = try #require(admitted(try queue.admit(try request(device: 1, name: "laptop"))))
        let second = try #require(admitted(try queue.admit(try request(device: 2, name: "laptop"))))
        let approved = try queue.approve(second.requestID)
        #expect(approved.requestID == second.requestID && approved.deviceKey == ephemeralDeviceKeys(2).publicKey)
        #expect(try queue.record(first.requestID)?.state == .pending)
        #expect(try queue.pending().map(\.requestID) == [first.requestID])
        #expect(throws: EphemeralError.requestNotPending(id: second.requestID.hex, state: .approved)) { try queue.deny(second.requestID) }
    }

    @Test func aRequestArrivingWhileOneIsSelectedNeverChangesWhatIsApproved() throws {
        let queue = try queue()
        _ = try queue.admit(try request(device: 1, name: "laptop"))
        let selected = try #require(try queue.pending().first)        // the alert shows this one
        _ = try queue.admit(try request(device: 2, name: "laptop"))    // arrives while it is open
        _ = try queue.admit(try request(device: 3, name: "laptop"))
        let approved = try queue.approve(selected.requestID, code: selected.code)
        #expect(approved.requestID == selected.requestID)
        #expect(approved.deviceKey == selected.deviceKey)
        #expect(try queue.pending().count == 2)
        #expect(try queue.pending().allSatisfy { $0.deviceKey != selected.deviceKey })
    }

    @Test func aWrongCodeChangesNothing() throws {
        let queue = try queue()
        let record = try #require(admitted(try queue.admit(try request(device: 1))))
        let wrong = try #require(VerificationCode(parsing: record.code.value == 0 ? "000-001" : "000-000"))
        #expect(throws: EphemeralError.codeMismatch(id: record.requestID.hex)) { try queue.approve(record.requestID, code: wrong) }
        #expect(try queue.record(record.requestID)?.state == .pending)
        #expect(try queue.approve(record.requestID, code: record.code).state == .approved)
    }

    @Test func aCLIProcessAnswersAndTheNodeSendsTheReply() throws {
        let path = ephemeralTemporaryDatabasePath()
        let node = try queue(path: path)
        let cli = try queue(path: path)
        let laptop = try #require(admitted(try node.admit(try request(device: 1, name: "laptop"))))
        clock.advance(by: 1_000)
        let phone = try #require(admitted(try node.admit(try request(device: 2, name: "phone"))))
        #expect(try cli.pending().map(\.requestID) == [laptop.requestID, phone.requestID])
        try cli.approve(try cli.resolve(String(laptop.requestID.hex.prefix(8))))
        clock.advance(by: 1_000)
        try cli.deny(phone.requestID, reason: "not mine")
        let replies = try node.repliesToSend()
        #expect(replies.map(\.requestID) == [laptop.requestID, phone.requestID])
        let grant = try #require(replies.first?.reply)
        #expect(try AuthorisationMessage.decode(type: grant.type, body: grant.body, databaseID: fixture.databaseID).get()
                == .granted(AuthorisationGrant(requestID: laptop.requestID, writerKey: ephemeralDeviceKeys(1).publicKey)))
        let denial = try #require(replies.last?.reply)
        #expect(try AuthorisationMessage.decode(type: denial.type, body: denial.body, databaseID: fixture.databaseID).get()
                == .denied(AuthorisationDenial(requestID: phone.requestID, reason: "not mine")))
        for reply in replies { try node.markReplySent(reply.requestID) }
        #expect(try node.repliesToSend().isEmpty)
        #expect(try cli.recent().count == 2)
    }

    @Test func requestIDsResolveOnlyWhenUnambiguous() throws {
        let queue = try queue()
        let a = try #require(RequestID(hex: "abcdef00111111111111111111111111"))
        let b = try #require(RequestID(hex: "abcdef00222222222222222222222222"))
        _ = try queue.admit(try request(device: 1, id: a))
        _ = try queue.admit(try request(device: 2, id: b))
        #expect(try queue.resolve("ABCDEF001") == a)
        #expect(try queue.resolve(a.hex) == a)
        #expect(throws: EphemeralError.ambiguousRequestID(prefix: "abcdef00", matches: 2)) { try queue.resolve("abcdef00") }
        #expect(throws: EphemeralError.invalidRequestID("abc")) { try queue.resolve("abc") }
        #expect(throws: EphemeralError.invalidRequestID("zzzzzzzz")) { try queue.resolve("zzzzzzzz") }
        #expect(throws: EphemeralError.unknownRequest("12345678")) { try queue.resolve("12345678") }
        let unknown = RequestID.random()
        #expect(throws: EphemeralError.unknownRequest(unknown.hex)) { try queue.approve(unknown) }
    }

    @Test func namesSurviveStorageExactly() throws {
        let queue = try queue()
        let name = "Jørgen's 作者 laptop ✓"
        let record = try #require(admitted(try queue.admit(try request(device: 1, name: name))))
        #expect(try queue.record(record.requestID)?.nodeName == name)
        #expect(record.displayName == name)
    }

    @Test func answeredRequestsArePrunedAfterTheRetention() throws {
        let queue = try queue()
        let record = try #require(admitted(try queue.admit(try request(device: 1))))
        try queue.deny(record.requestID)
        clock.advance(by: 5 * EphemeralTestClock.minute)
        let pending = try #require(admitted(try queue.admit(try request(device: 2))))
        clock.advance(by: 5 * EphemeralTestClock.minute + 24 * 60 * EphemeralTestClock.minute)
        #expect(try queue.prune() == 0)
        clock.advance(by: 1)
        #expect(try queue.prune() == 1)
        #expect(try queue.record(record.requestID) == nil)
        #expect(try queue.record(pending.requestID)?.state == .expired)
    }
}
