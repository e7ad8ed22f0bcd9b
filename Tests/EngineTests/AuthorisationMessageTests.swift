import Testing
@testable import HyphaEngine

@Suite struct AuthorisationMessageTests {
    let fixture = EphemeralFixture()
    let device = ephemeralDeviceKeys(0x03)

    /// A request body with any field, signed by `signer` over exactly these name bytes.
    func body(id: RequestID = .random(), key: [UInt8]? = nil, name: [UInt8], signer: SigningKeyPair? = nil,
              database: DatabaseID? = nil) -> [UInt8] {
        let signer = signer ?? device
        let keyBytes = key ?? signer.publicKey.bytes
        let proof: [UInt8]
        if let publicKey = PublicKey(bytes: keyBytes) {
            proof = signer.sign(AuthorisationRequestMessage.proofMessage(databaseID: database ?? fixture.databaseID, requestID: id,
                                                                        deviceKey: publicKey, nodeName: name))
        } else {
            proof = [UInt8](repeating: 0, count: 64)
        }
        var w = BinaryWriter()
        w.raw(id.bytes); w.raw(keyBytes); w.lengthPrefixed(name); w.raw(proof)
        return w.bytes
    }

    func decode(_ body: [UInt8], as type: EphemeralMessageType = .authorisationRequest) -> Result<AuthorisationMessage, AuthorisationRejection> {
        AuthorisationMessage.decode(type: type, body: body, databaseID: fixture.databaseID)
    }

    func verified(_ body: [UInt8]) throws -> VerifiedAuthorisationRequest {
        guard case let .request(request) = try decode(body).get() else { throw AuthorisationRejection.malformed("not a request") }
        return request
    }

    @Test func aSignedRequestRoundTripsWithTheSameCodeOnBothSides() throws {
        let request = try AuthorisationRequestMessage(databaseID: fixture.databaseID, nodeName: "laptop", deviceKeys: device)
        let received = try verified(request.encoded)
        #expect(received.message == request)
        #expect(received.code == request.verificationCode(databaseID: fixture.databaseID))
        #expect(request.encoded.count == 16 + 32 + 1 + 6 + 64)
    }

    @Test func invalidDeviceKeysAreRejected() throws {
        let refused = [
            "0000000000000000000000000000000000000000000000000000000000000000", // all zeros
            "0100000000000000000000000000000000000000000000000000000000000000", // the identity point
            "c7176a703d4dd84fba3c0b760d10670f2a2053fa2c39ccc64ec7fd7792ac037a", // order 8
            "ecffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f", // order 2 (y = -1)
            "eeffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f", // y = p + 1: non-canonical
        ]
        for hex in refused {
            let key = try #require(PublicKey(hex: hex))
            #expect(!key.isValidPoint, "premise: \(hex) is not a valid point")
            #expect(throws: AuthorisationRejection.invalidDeviceKey) { try decode(body(key: key.bytes, name: Array("x".utf8))).get() }
        }
    }

    @Test func badProofsAreRejected() throws {
        // Signed by another key than the one it names.
        let other = ephemeralDeviceKeys(0x04)
        let id = RequestID.random()
        var forged = body(id: id, name: Array("laptop".utf8), signer: other)
        forged.replaceSubrange(16..<48, with: device.publicKey.bytes)
        #expect(throws: AuthorisationRejection.badProof) { try decode(forged).get() }
        // Signed for another database (a request replayed into a different one).
        let elsewhere = EphemeralFixture(masterByte: 0x44).databaseID
        #expect(throws: AuthorisationRejection.badProof) { try decode(body(name: Array("laptop".utf8), database: elsewhere)).get() }
        // A genuine request with any bit of its id, name or proof changed.
        let genuine = body(id: id, name: Array("laptop".utf8))
        for index in genuine.indices where !(16..<48).contains(index) && index != 48 {
            var flipped = genuine
            flipped[index] ^= 0x01
            #expect(throws: AuthorisationRejection.self) { try decode(flipped).get() }
        }
    }

    @Test func hostileNamesAreRefusedAndNeverReachAnAlert() throws {
        let hostile = ["\u{1B}[2J", "\u{1B}]0;pwned\u{07}", "\r", "evil\u{202E}gnp.exe", "\u{2066}a\u{2069}", "a\u{200D}b", "\u{9B}31m", "nul\u{0}byte"]
        for name in hostile {
            #expect(throws: AuthorisationRejection.nameHasControlCharacters) { try decode(body(name: Array(name.utf8))).get() }
        }
        // Any other name is kept exactly and displays as it is.
        let request = try verified(body(name: Array("Jørgen's 作者 laptop ✓".utf8)))
        #expect(request.message.nodeName == "Jørgen's 作者 laptop ✓")
        #expect(request.displayName == "Jørgen's 作者 laptop ✓")
    }

    @Test func namesThatAreTooLongEmptyOrNotUTF8AreRejected() {
        #expect(throws: AuthorisationRejection.nameTooLong(65)) { try decode(body(name: [UInt8](repeating: 0x61, count: 65))).get() }
        #expect(throws: Never.self) { try decode(body(name: [UInt8](repeating: 0x61, count: 64))).get() }
        #expect(throws: AuthorisationRejection.emptyName) { try decode(body(name: [])).get() }
        for invalid: [UInt8] in [[0xC3, 0x28], [0xFF], [0xED, 0xA0, 0x80], [0xE2, 0x82]] {
            #expect(throws: AuthorisationRejection.nameNotUTF8) { try decode(body(name: invalid)).get() }
        }
        #expect(throws: EphemeralError.nodeNameTooLong(bytes: 66, limit: 64)) {
            try AuthorisationRequestMessage(databaseID: fixture.databaseID, nodeName: String(repeating: "é", count: 33), deviceKeys: device)
        }
        #expect(throws: EphemeralError.nodeNameEmpty) {
            try AuthorisationRequestMessage(databaseID: fixture.databaseID, nodeName: "", deviceKeys: device)
        }
    }

    @Test func truncatedOrPaddedBodiesAreMalformedNotCrashes() {
        let genuine = body(name: Array("desktop".utf8))
        for length in 0..<genuine.count {
            #expect(throws: AuthorisationRejection.self) { try decode(Array(genuine.prefix(length))).get() }
        }
        #expect(throws: AuthorisationRejection.malformed("1 unexpected trailing bytes")) { try decode(genuine + [0]).get() }
        for type in EphemeralMessageType.allCases {
            for _ in 0..<200 {
                let junk = (0..<Int.random(in: 0...200)).map { _ in UInt8.random(in: 0...255) }
                _ = decode(junk, as: type) // must simply return
            }
        }
    }

    @Test func grantAndDenialRoundTrip() throws {
        let id = RequestID.random()
        let grant = AuthorisationGrant(requestID: id, writerKey: device.publicKey)
        #expect(try decode(grant.encoded, as: .authorisationGranted).get() == .granted(grant))
        let denial = AuthorisationDenial(requestID: id, reason: "not my \u{1B}[31mdevice")
        #expect(try decode(denial.encoded, as: .authorisationDenied).get() == .denied(denial))
        #expect(!denial.displayReason.utf8.contains(0x1B))
        #expect(AuthorisationDenial(requestID: id, reason: String(repeating: "ü", count: 150)).reason.utf8.count == 200)
        var overlong = BinaryWriter()
        overlong.raw(id.bytes); overlong.lengthPrefixed([UInt8](repeating: 0x61, count: 201))
        #expect(throws: AuthorisationRejection.self) { try decode(overlong.bytes, as: .authorisationDenied).get() }
        var badUTF8 = BinaryWriter()
        badUTF8.raw(id.bytes); badUTF8.lengthPrefixed([0xC3, 0x28])
        #expect(throws: AuthorisationRejection.reasonNotUTF8) { try decode(badUTF8.bytes, as: .authorisationDenied).get() }
        #expect(throws: AuthorisationRejection.self) { try decode(Array(grant.encoded.dropLast()), as: .authorisationGranted).get() }
    }
}

@Suite struct AuthorisationCodeTests {
    @Test func knownAnswerWithALeadingZero() throws {
        // Computed independently in Python (hashlib.blake2b and the documented rejection rule).
        let databaseID = try #require(DatabaseID(bytes: Array(0..<32)))
        let code = VerificationCode(databaseID: databaseID, requestID: try #require(RequestID(bytes: [UInt8](repeating: 5, count: 16))),
                                    deviceKey: try #require(PublicKey(bytes: [UInt8](repeating: 7, count: 32))))
        #expect(code.formatted == "012-593")
        #expect(code.value == 12_593)
    }

    @Test func formatIsAlwaysNNNDashNNN() {
        let fixture = EphemeralFixture()
        for _ in 0..<500 {
            let code = VerificationCode(databaseID: fixture.databaseID, requestID: .random(), deviceKey: ephemeralDeviceKeys(9).publicKey)
            let text = Array(code.formatted.utf8)
            #expect(text.count == 7 && text[3] == UInt8(ascii: "-"))
            #expect(text.enumerated().allSatisfy { $0.offset == 3 || (0x30...0x39).contains($0.element) })
            #expect(VerificationCode(parsing: code.formatted) == code)
        }
    }

    @Test func parsesWhatPeopleType() {
        #expect(VerificationCode(parsing: "482-193")?.value == 482_193)
        #expect(VerificationCode(parsing: " 482193 ")?.value == 482_193)
        #expect(VerificationCode(parsing: "482 193")?.value == 482_193)
        #expect(VerificationCode(parsing: "000-007")?.formatted == "000-007")
        for bad in ["48-2193", "abc-def", "4821930", "48219", "", "482_193", "٤٨٢-١٩٣"] {
            #expect(VerificationCode(parsing: bad) == nil, "\(bad)")
        }
    }
}
