import Testing
@testable import HyphaEngine

@Suite struct AuthorisationJoinTests {
    let fixture = EphemeralFixture()
    let clock = EphemeralTestClock()
    let sent = EphemeralRecorder<[UInt8]>()
    let events = EphemeralRecorder<JoinEvent>()

    func requester(interval: EpochMilliseconds = 5_000, name: String = "laptop") throws -> JoinRequester {
        try JoinRequester(databaseID: fixture.databaseID, channelKey: fixture.channelKey, deviceKeys: ephemeralDeviceKeys(3), nodeName: name,
                          resendInterval: interval, now: clock.closure,
                          send: { [sent] envelope in sent.append(envelope) },
                          onEvent: { [events] event in events.append(event) })
    }

    /// What an approver makes of an envelope the joiner sent.
    func approverReads(_ envelope: [UInt8]) throws -> VerifiedAuthorisationRequest {
        let message = try fixture.receiver(clock: clock).receive(envelope).get()
        guard case let .request(request) = try AuthorisationMessage.decode(message, databaseID: fixture.databaseID).get() else {
            throw AuthorisationRejection.malformed("not a request")
        }
        return request
    }

    @Test func resendsOnItsIntervalUntilStopped() async throws {
        let joiner = try requester(interval: 10)
        joiner.start()
        joiner.start() // a second start does not double the timer
        #expect(await eventually(5) { sent.count >= 3 })
        joiner.stop(.authorised)
        #expect(joiner.joinState == .authorised)
        #expect(!joiner.tick())
        let envelopes = sent.all
        #expect(Set(envelopes.map { Array($0[40..<56]) }).count == envelopes.count) // a fresh message id each time
        for envelope in envelopes.prefix(3) {
            let request = try approverReads(envelope)
            #expect(request.requestID == joiner.requestID)
            #expect(request.code == joiner.verificationCode)
            #expect(request.message.nodeName == "laptop")
        }
    }

    @Test func aDenyCountsOnlyForItsOwnRequest() throws {
        let joiner = try requester()
        #expect(!joiner.handle(.denied(AuthorisationDenial(requestID: .random(), reason: "no"))))
        #expect(joiner.joinState == .waiting)
        #expect(joiner.handle(.denied(AuthorisationDenial(requestID: joiner.requestID, reason: "not mine"))))
        #expect(joiner.joinState == .denied(reason: "not mine"))
        #expect(events.all == [.denied(AuthorisationDenial(requestID: joiner.requestID, reason: "not mine"))])
        #expect(!joiner.tick())
        #expect(sent.all.isEmpty)
        #expect(!joiner.handle(.denied(AuthorisationDenial(requestID: joiner.requestID, reason: "again"))))
        joiner.stop(.authorised) // a stop after a denial changes nothing
        #expect(joiner.joinState == .denied(reason: "not mine"))
    }

    @Test func aGrantIsOnlyAHint() throws {
        let joiner = try requester()
        let writer = ephemeralDeviceKeys(3).publicKey
        #expect(!joiner.handle(.granted(AuthorisationGrant(requestID: .random(), writerKey: writer))))
        #expect(joiner.handle(.granted(AuthorisationGrant(requestID: joiner.requestID, writerKey: writer))))
        #expect(joiner.joinState == .waiting)
        #expect(joiner.tick())
        joiner.stop(.authorised)
        #expect(!joiner.handle(.granted(AuthorisationGrant(requestID: joiner.requestID, writerKey: writer))))
    }

    @Test func anExpiredRequestIsReplacedByAFreshOne() throws {
        let joiner = try requester()
        let firstID = joiner.requestID
        #expect(joiner.tick())
        clock.advance(by: 10 * EphemeralTestClock.minute)
        #expect(joiner.tick())
        #expect(joiner.requestID != firstID)
        #expect(joiner.verificationCode == VerificationCode(databaseID: fixture.databaseID, requestID: joiner.requestID,
                                                            deviceKey: ephemeralDeviceKeys(3).publicKey))
        #expect(events.all == [.newRequest(joiner.requestID, joiner.verificationCode)])
        #expect(try approverReads(try #require(sent.all.last)).requestID == joiner.requestID)
        // A deny for the old id is not for us any more.
        #expect(!joiner.handle(.denied(AuthorisationDenial(requestID: firstID, reason: "late"))))
    }

    @Test func aNameTooLongForTheWireIsRefusedUpFront() {
        #expect(throws: EphemeralError.nodeNameTooLong(bytes: 65, limit: 64)) { try requester(name: String(repeating: "n", count: 65)) }
    }

    /// Joiner → envelope → approver's receiver and queue → decision → reply envelope → joiner.
    @Test func theWholeExchange() throws {
        let joiner = try requester()
        #expect(joiner.tick())
        let approverReceiver = fixture.receiver(clock: clock)
        let queue = AuthorisationRequests(writer: try openEphemeralDatabase(), now: clock.closure)
        let incoming = try approverReceiver.receive(try #require(sent.all.first)).get()
        guard case let .request(request) = try AuthorisationMessage.decode(incoming, databaseID: fixture.databaseID).get() else {
            Issue.record("not a request"); return
        }
        guard case let .admitted(record, _) = try queue.admit(request) else { Issue.record("not admitted"); return }
        #expect(record.code == joiner.verificationCode)  // both screens show the same code
        #expect(record.code.formatted.count == 7)
        try queue.approve(record.requestID, code: joiner.verificationCode)
        let reply = try #require(try queue.repliesToSend().first?.reply)
        let envelope = try EphemeralEnvelope.seal(type: reply.type, body: reply.body, discoveryID: fixture.discoveryID,
                                                  channelKey: fixture.channelKey, sentAt: clock.now)
        let joinerReceiver = fixture.receiver(clock: clock)
        let answer = try AuthorisationMessage.decode(try joinerReceiver.receive(envelope).get(), databaseID: fixture.databaseID).get()
        #expect(joiner.handle(answer))
        #expect(events.all == [.grantReceived(AuthorisationGrant(requestID: joiner.requestID, writerKey: ephemeralDeviceKeys(3).publicKey))])
    }
}
