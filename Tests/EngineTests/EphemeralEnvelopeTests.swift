import Foundation
import Testing
@testable import HyphaEngine

@Suite struct EphemeralEnvelopeTests {
    let fixture = EphemeralFixture()
    let clock = EphemeralTestClock()

    @Test func layoutIsTheDocumentedOne() throws {
        let id = try #require(MessageID(hex: "000102030405060708090a0b0c0d0e0f"))
        let envelope = fixture.seal(.authorisationDenied, body: [1, 2, 3], sentAt: 0x0102030405060708, messageID: id)
        #expect(envelope.count == 64 + 24 + 3 + 16)
        #expect(Array(envelope[0..<4]) == Array("HYEM".utf8))
        #expect(envelope[4] == 1)
        #expect(envelope[5] == 5)
        #expect(envelope[6] == 0 && envelope[7] == 0)
        #expect(Array(envelope[8..<40]) == fixture.discoveryID.bytes)
        #expect(Array(envelope[40..<56]) == id.bytes)
        #expect(Array(envelope[56..<64]) == [8, 7, 6, 5, 4, 3, 2, 1])
    }

    @Test func discoveryIDKnownAnswer() throws {
        // Computed independently with Python's hashlib.blake2b(b"hypha/discovery/v1", key=bytes(range(32)), digest_size=32).
        let databaseID = try #require(DatabaseID(bytes: Array(0..<32)))
        #expect(DiscoveryID(databaseID: databaseID).description == "10b8993dc752a32c0b1d5e83752fb67105f3ef86405e8fa2a8e0e0d2198ef792")
    }

    @Test func acceptsAValidEnvelopeAndReturnsItsBody() throws {
        let receiver = fixture.receiver(clock: clock)
        let envelope = fixture.seal(body: Array("request".utf8), sentAt: clock.now)
        let message = try receiver.receive(envelope).get()
        #expect(message.type == .authorisationRequest)
        #expect(message.body == Array("request".utf8))
        #expect(message.header.sentAt == clock.now)
    }

    @Test func everyFlippedBitIsRejectedAndNothingIsRecorded() throws {
        let seen = InMemorySeenMessageStore()
        let receiver = fixture.receiver(clock: clock, seen: seen)
        let envelope = fixture.seal(body: Array("twelve bytes".utf8), sentAt: clock.now)
        for index in envelope.indices {
            for bit in 0..<8 {
                var flipped = envelope
                flipped[index] ^= UInt8(1 << bit)
                let result = receiver.receive(flipped)
                #expect(throws: EnvelopeRejection.self, "byte \(index) bit \(bit)") { try result.get() }
            }
        }
        #expect(seen.count == 0)
        #expect(throws: Never.self) { try receiver.receive(envelope).get() }
    }

    @Test func everyTruncationIsRejected() {
        let receiver = fixture.receiver(clock: clock)
        let envelope = fixture.seal(sentAt: clock.now)
        for length in 0..<envelope.count {
            #expect(throws: EnvelopeRejection.self) { try receiver.receive(Array(envelope.prefix(length))).get() }
        }
        // A 23-byte nonce: one byte cut out of the middle of the envelope.
        var shortNonce = envelope
        shortNonce.remove(at: 64 + 23)
        #expect(throws: EnvelopeRejection.undecryptable) { try receiver.receive(shortNonce).get() }
    }

    @Test func sizeLimitIs4096BytesInAll() throws {
        let receiver = fixture.receiver(clock: clock)
        let largest = fixture.seal(body: [UInt8](repeating: 0x41, count: EphemeralEnvelope.maximumBodyLength), sentAt: clock.now)
        #expect(largest.count == 4096)
        #expect(throws: Never.self) { try receiver.receive(largest).get() }
        #expect(throws: EphemeralError.bodyTooLarge(bytes: 3993, limit: 3992)) {
            try EphemeralEnvelope.seal(type: .authorisationRequest, body: [UInt8](repeating: 0, count: 3993),
                                       discoveryID: fixture.discoveryID, channelKey: fixture.channelKey, sentAt: clock.now)
        }
        // Correctly sealed but over the limit (a sender that ignores it).
        let header = Array(largest[0..<64])
        let oversized = header + XChaCha20Poly1305.seal([UInt8](repeating: 0, count: 3993), key: fixture.channelKey, associatedData: header)
        #expect(throws: EnvelopeRejection.tooLarge(4097)) { try receiver.receive(oversized).get() }
        #expect(throws: EnvelopeRejection.tooLarge(1_000_000)) { try receiver.receive([UInt8](repeating: 0, count: 1_000_000)).get() }
    }

    /// Seals under the right key with a hand-made header, so only the header rule can refuse it.
    private func sealed(headerEdit: (inout [UInt8]) -> Void) -> [UInt8] {
        var header = EnvelopeHeader(type: .authorisationRequest, discoveryID: fixture.discoveryID,
                                    messageID: .random(), sentAt: clock.now).encoded
        headerEdit(&header)
        return header + XChaCha20Poly1305.seal([1, 2, 3], key: fixture.channelKey, associatedData: header)
    }

    @Test func unknownVersionTypeFlagsAndMagicAreRejected() {
        let receiver = fixture.receiver(clock: clock)
        #expect(throws: EnvelopeRejection.unsupportedVersion(2)) { try receiver.receive(sealed { $0[4] = 2 }).get() }
        #expect(throws: EnvelopeRejection.unknownType(2)) { try receiver.receive(sealed { $0[5] = 2 }).get() }
        #expect(throws: EnvelopeRejection.unknownType(0)) { try receiver.receive(sealed { $0[5] = 0 }).get() }
        #expect(throws: EnvelopeRejection.unsupportedFlags(1)) { try receiver.receive(sealed { $0[6] = 1 }).get() }
        #expect(throws: EnvelopeRejection.badMagic) { try receiver.receive(sealed { $0[0] = UInt8(ascii: "X") }).get() }
        #expect(throws: Never.self) { try receiver.receive(sealed { _ in }).get() }
    }

    @Test func anotherDatabaseAndAnotherChannelKeyAreRejected() {
        let receiver = fixture.receiver(clock: clock)
        let otherDatabase = EphemeralFixture(masterByte: 0x22)
        #expect(throws: EnvelopeRejection.otherDatabase) { try receiver.receive(otherDatabase.seal(sentAt: clock.now)).get() }
        // Same database id (a relay forwarding), but sealed under another passphrase's channel key.
        let wrongKey = try! EphemeralEnvelope.seal(type: .authorisationRequest, body: [1], discoveryID: fixture.discoveryID,
                                                   channelKey: otherDatabase.channelKey, sentAt: clock.now)
        #expect(throws: EnvelopeRejection.undecryptable) { try receiver.receive(wrongKey).get() }
    }

    @Test func replayIsDropped() throws {
        let receiver = fixture.receiver(clock: clock)
        let envelope = fixture.seal(sentAt: clock.now)
        _ = try receiver.receive(envelope).get()
        clock.advance(by: 5 * EphemeralTestClock.minute)
        #expect(throws: EnvelopeRejection.alreadySeen) { try receiver.receive(envelope).get() }
    }

    @Test func concurrentCopiesAreAcceptedOnce() throws {
        let database = try openEphemeralDatabase()
        let receiver = fixture.receiver(clock: clock, seen: GRDBSeenMessageStore(writer: database))
        let envelope = fixture.seal(sentAt: clock.now)
        let accepted = EphemeralRecorder<Bool>()
        DispatchQueue.concurrentPerform(iterations: 16) { _ in
            if case .success = receiver.receive(envelope) { accepted.append(true) }
        }
        #expect(accepted.count == 1)
    }

    @Test func replayAfterARestartIsDropped() throws {
        let path = ephemeralTemporaryDatabasePath()
        let envelope = fixture.seal(sentAt: clock.now)
        do {
            let database = try openEphemeralDatabase(path)
            let receiver = fixture.receiver(clock: clock, seen: GRDBSeenMessageStore(writer: database))
            _ = try receiver.receive(envelope).get()
            try database.close()
        }
        let reopened = try openEphemeralDatabase(path)
        let restarted = fixture.receiver(clock: clock, seen: GRDBSeenMessageStore(writer: reopened))
        #expect(throws: EnvelopeRejection.alreadySeen) { try restarted.receive(envelope).get() }
        #expect(throws: Never.self) { try restarted.receive(fixture.seal(sentAt: clock.now)).get() }
    }

    @Test func timeWindowIsTenMinutesBackAndTwoAhead() {
        let receiver = fixture.receiver(clock: clock)
        let now = clock.now, minute = EphemeralTestClock.minute
        #expect(throws: EnvelopeRejection.stale) { try receiver.receive(fixture.seal(sentAt: now - 11 * minute)).get() }
        #expect(throws: EnvelopeRejection.fromTheFuture) { try receiver.receive(fixture.seal(sentAt: now + 3 * minute)).get() }
        #expect(throws: EnvelopeRejection.fromTheFuture) { try receiver.receive(fixture.seal(sentAt: .max)).get() }
        #expect(throws: EnvelopeRejection.stale) { try receiver.receive(fixture.seal(sentAt: 0)).get() }
        #expect(throws: Never.self) { try receiver.receive(fixture.seal(sentAt: now - 10 * minute)).get() }
        #expect(throws: Never.self) { try receiver.receive(fixture.seal(sentAt: now + 2 * minute)).get() }
    }

    @Test func garbageWithAFreshIDIsNotRecorded() throws {
        let database = try openEphemeralDatabase()
        let store = GRDBSeenMessageStore(writer: database)
        let receiver = fixture.receiver(clock: clock, seen: store)
        let genuine = fixture.seal(body: Array("genuine".utf8), sentAt: clock.now)
        // Same header (so the same message id), random bytes after it.
        let garbage = Array(genuine[0..<64]) + (0..<(genuine.count - 64)).map { _ in UInt8.random(in: 0...255) }
        #expect(throws: EnvelopeRejection.undecryptable) { try receiver.receive(garbage).get() }
        #expect(try store.count() == 0)
        #expect(try receiver.receive(genuine).get().body == Array("genuine".utf8))
        #expect(try store.count() == 1)
    }

    @Test func seenIDsExpireAfterADayAndArePruned() throws {
        let database = try openEphemeralDatabase()
        let persistent = GRDBSeenMessageStore(writer: database)
        let memory = InMemorySeenMessageStore()
        for store in [persistent, memory] as [any SeenMessageStore] {
            let receiver = fixture.receiver(clock: clock, seen: store)
            let first = fixture.seal(sentAt: clock.now)
            _ = try receiver.receive(first).get()
            let firstID = try #require(MessageID(bytes: Array(first[40..<56])))
            #expect(try store.contains(firstID))
            #expect(try store.removeExpired(now: clock.now + EphemeralTiming.seenRetention) == 0)
            #expect(try store.removeExpired(now: clock.now + EphemeralTiming.seenRetention + 1) == 1)
            #expect(try !store.contains(firstID))
        }
    }

    @Test func inMemoryStoreStaysBounded() {
        let store = InMemorySeenMessageStore(capacity: 100)
        for i in 0..<1_000 { _ = store.insert(.random(), expiresAt: EpochMilliseconds(i)) }
        #expect(store.count <= 100)
        let id = MessageID.random()
        #expect(store.insert(id, expiresAt: 5_000))
        #expect(!store.insert(id, expiresAt: 5_000))
    }
}
