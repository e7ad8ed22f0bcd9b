/// The plaintext bodies of the authorisation envelopes (little-endian, LEB128 varint lengths):
/// - Request (type 1): `requestID[16] ‖ deviceKey[32] ‖ varint n ‖ nodeName[n ≤ 64] ‖ proof[64]`,
///   proof = Ed25519(device key, "hypha/authreq/v1" ‖ databaseID ‖ requestID ‖ deviceKey ‖ nodeName).
/// - Granted (type 4): `requestID[16] ‖ writerKey[32]`: a hint only; the joiner becomes a
///   writer when the root-signed add-writer replicates.
/// - Denied (type 5): `requestID[16] ‖ varint n ‖ reason[n ≤ 200, UTF-8]`.
/// A body must be consumed exactly; trailing bytes are refused.
public enum AuthorisationLimits {
    public static let nodeNameBytes = 64
    public static let denyReasonBytes = 200
    public static let signatureLength = 64
}

public struct AuthorisationRequestMessage: Sendable, Equatable {
    public static let proofLabel: [UInt8] = Array("hypha/authreq/v1".utf8)

    public let requestID: RequestID
    public let deviceKey: PublicKey
    /// The name exactly as sent (valid UTF-8, 1–64 bytes). Never print it: use `displayName`.
    public let nodeName: String
    public let proof: [UInt8]

    /// The name made inert for a terminal (control, bidi and zero-width characters replaced).
    public var displayName: String { Sanitise.forTerminal(nodeName) }

    /// Builds and signs a request for `deviceKeys` (the joiner's side).
    public init(databaseID: DatabaseID, requestID: RequestID = .random(), nodeName: String, deviceKeys: SigningKeyPair) throws {
        let nameBytes = Array(nodeName.utf8)
        guard !nameBytes.isEmpty else { throw EphemeralError.nodeNameEmpty }
        guard nameBytes.count <= AuthorisationLimits.nodeNameBytes else {
            throw EphemeralError.nodeNameTooLong(bytes: nameBytes.count, limit: AuthorisationLimits.nodeNameBytes)
        }
        self.requestID = requestID
        deviceKey = deviceKeys.publicKey
        self.nodeName = nodeName
        proof = deviceKeys.sign(Self.proofMessage(databaseID: databaseID, requestID: requestID,
                                                  deviceKey: deviceKeys.publicKey, nodeName: nameBytes))
    }

    init(requestID: RequestID, deviceKey: PublicKey, nodeName: String, proof: [UInt8]) {
        self.requestID = requestID
        self.deviceKey = deviceKey
        self.nodeName = nodeName
        self.proof = proof
    }

    public static func proofMessage(databaseID: DatabaseID, requestID: RequestID, deviceKey: PublicKey, nodeName: [UInt8]) -> [UInt8] {
        proofLabel + databaseID.bytes + requestID.bytes + deviceKey.bytes + nodeName
    }

    public func verificationCode(databaseID: DatabaseID) -> VerificationCode {
        VerificationCode(databaseID: databaseID, requestID: requestID, deviceKey: deviceKey)
    }

    public var encoded: [UInt8] {
        var w = BinaryWriter(capacity: 16 + 32 + 1 + 64 + 64)
        w.raw(requestID.bytes)
        w.raw(deviceKey.bytes)
        w.string(nodeName)
        w.raw(proof)
        return w.bytes
    }
}

public struct AuthorisationGrant: Sendable, Equatable {
    public let requestID: RequestID
    public let writerKey: PublicKey

    public init(requestID: RequestID, writerKey: PublicKey) {
        self.requestID = requestID
        self.writerKey = writerKey
    }

    public var encoded: [UInt8] { requestID.bytes + writerKey.bytes }
}

public struct AuthorisationDenial: Sendable, Equatable {
    public let requestID: RequestID
    /// As sent; print `displayReason`.
    public let reason: String

    /// `reason` is cut to 200 bytes at a character boundary.
    public init(requestID: RequestID, reason: String) {
        self.requestID = requestID
        var cut = ""
        for character in reason {
            guard cut.utf8.count + character.utf8.count <= AuthorisationLimits.denyReasonBytes else { break }
            cut.append(character)
        }
        self.reason = cut
    }

    public var displayReason: String { Sanitise.forTerminal(reason, limit: 120) }

    public var encoded: [UInt8] {
        var w = BinaryWriter()
        w.raw(requestID.bytes)
        w.string(reason)
        return w.bytes
    }
}
