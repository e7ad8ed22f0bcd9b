/// Why an authorisation message was refused. Refusals are logged and counted, never shown as
/// an alert.
public enum AuthorisationRejection: Error, Equatable, Sendable, CustomStringConvertible {
    case malformed(String)
    case invalidDeviceKey
    case emptyName
    case nameTooLong(Int)
    case nameNotUTF8
    /// Control, bidirectional or invisible characters: never in a real node's name.
    case nameHasControlCharacters
    case badProof
    case reasonNotUTF8

    public var description: String {
        switch self {
        case let .malformed(what): return "malformed authorisation message: \(what)"
        case .invalidDeviceKey: return "the device key is not a valid Ed25519 point"
        case .emptyName: return "the node name is empty"
        case let .nameTooLong(n): return "the node name is \(n) bytes (at most \(AuthorisationLimits.nodeNameBytes))"
        case .nameNotUTF8: return "the node name is not valid UTF-8"
        case .nameHasControlCharacters: return "the node name contains control or invisible characters"
        case .badProof: return "the proof of possession of the device key does not verify"
        case .reasonNotUTF8: return "the deny reason is not valid UTF-8"
        }
    }
}

/// A request whose device key is a valid point, whose name is 1–64 bytes of UTF-8 and whose
/// proof verifies; only these enter the approver's queue. The code is computed on receipt.
public struct VerifiedAuthorisationRequest: Sendable, Equatable {
    public let message: AuthorisationRequestMessage
    public let code: VerificationCode

    public var requestID: RequestID { message.requestID }
    public var deviceKey: PublicKey { message.deviceKey }
    public var displayName: String { message.displayName }
}

/// A decoded authorisation message.
public enum AuthorisationMessage: Sendable, Equatable {
    case request(VerifiedAuthorisationRequest)
    case granted(AuthorisationGrant)
    case denied(AuthorisationDenial)

    public static func decode(_ message: EphemeralMessage, databaseID: DatabaseID) -> Result<AuthorisationMessage, AuthorisationRejection> {
        decode(type: message.type, body: message.body, databaseID: databaseID)
    }

    public static func decode(type: EphemeralMessageType, body: [UInt8], databaseID: DatabaseID) -> Result<AuthorisationMessage, AuthorisationRejection> {
        var r = BinaryReader(body)
        do {
            let decoded: AuthorisationMessage
            switch type {
            case .authorisationRequest: decoded = .request(try verifyRequest(&r, databaseID: databaseID))
            case .authorisationGranted: decoded = .granted(try decodeGrant(&r))
            case .authorisationDenied: decoded = .denied(try decodeDenial(&r))
            }
            try r.expectEnd()
            return .success(decoded)
        } catch let rejection as AuthorisationRejection {
            return .failure(rejection)
        } catch let error as BinaryDecodingError {
            return .failure(.malformed(error.description))
        } catch {
            return .failure(.malformed("\(error)"))
        }
    }

    private static func requestID(_ r: inout BinaryReader) throws -> RequestID {
        guard let id = RequestID(bytes: try r.raw(RequestID.length)) else { throw BinaryDecodingError.truncated }
        return id
    }

    private static func publicKey(_ r: inout BinaryReader) throws -> PublicKey {
        guard let key = PublicKey(bytes: try r.raw(PublicKey.length)) else { throw BinaryDecodingError.truncated }
        return key
    }

    private static func verifyRequest(_ r: inout BinaryReader, databaseID: DatabaseID) throws -> VerifiedAuthorisationRequest {
        let id = try requestID(&r)
        let deviceKey = try publicKey(&r)
        let nameLength = try r.varint()
        guard nameLength <= UInt64(AuthorisationLimits.nodeNameBytes) else {
            throw AuthorisationRejection.nameTooLong(Int(clamping: nameLength))
        }
        let nameBytes = try r.raw(Int(nameLength))
        let proof = try r.raw(AuthorisationLimits.signatureLength)
        try r.expectEnd() // structure first: no signature check for a malformed body
        guard !nameBytes.isEmpty else { throw AuthorisationRejection.emptyName }
        guard let name = String(validating: nameBytes, as: UTF8.self) else { throw AuthorisationRejection.nameNotUTF8 }
        guard !name.unicodeScalars.contains(where: Sanitise.isDangerous) else { throw AuthorisationRejection.nameHasControlCharacters }
        guard deviceKey.isValidPoint else { throw AuthorisationRejection.invalidDeviceKey }
        let signed = AuthorisationRequestMessage.proofMessage(databaseID: databaseID, requestID: id,
                                                              deviceKey: deviceKey, nodeName: nameBytes)
        guard deviceKey.verify(signature: proof, message: signed) else { throw AuthorisationRejection.badProof }
        let message = AuthorisationRequestMessage(requestID: id, deviceKey: deviceKey, nodeName: name, proof: proof)
        return VerifiedAuthorisationRequest(message: message, code: message.verificationCode(databaseID: databaseID))
    }

    private static func decodeGrant(_ r: inout BinaryReader) throws -> AuthorisationGrant {
        AuthorisationGrant(requestID: try requestID(&r), writerKey: try publicKey(&r))
    }

    private static func decodeDenial(_ r: inout BinaryReader) throws -> AuthorisationDenial {
        let id = try requestID(&r)
        let reasonBytes = try r.lengthPrefixed(limit: AuthorisationLimits.denyReasonBytes)
        guard let reason = String(validating: reasonBytes, as: UTF8.self) else { throw AuthorisationRejection.reasonNotUTF8 }
        return AuthorisationDenial(requestID: id, reason: reason)
    }
}
