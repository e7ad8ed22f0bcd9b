/// A membership operation: genesis, add-writer or remove-writer. Always signed by the database
/// root key and stored in clear, so that keyless nodes (the always-on node) can enforce it.
public struct MembershipOperation: Sendable, Equatable {
    public enum Body: Sendable, Equatable {
        /// The database's first operation: which derivation and domain made its keys.
        case genesis(kdfVersion: UInt8, domain: String)
        /// `writer` may append entries; `addedBy` is the device that asked for it (informational).
        case addWriter(writer: PublicKey, name: String, addedBy: PublicKey)
        /// `writer` is removed: its entries up to `cutoffLength` stay, later ones are ignored.
        /// `cutoffHash` is BLAKE2b-256 of block `cutoffLength - 1` (32 zero bytes when 0).
        case removeWriter(writer: PublicKey, cutoffLength: UInt64, cutoffHash: [UInt8])
        /// An add-writer answering authorisation request `request`: it counts unless a denial of
        /// that same request counts.
        case approveRequest(writer: PublicKey, name: String, addedBy: PublicKey, request: RequestID)
        /// Authorisation request `request` of `device` is denied, by `deniedBy`, for good.
        case denyRequest(device: PublicKey, request: RequestID, deniedBy: PublicKey)
    }

    public var body: Body
    /// Milliseconds since the epoch when it was made; informational only (never used to decide).
    public var createdAt: UInt64
    public var signature: [UInt8]

    public var kind: EntryKind {
        switch body {
        case .genesis: return .genesis
        case .addWriter: return .addWriter
        case .removeWriter: return .removeWriter
        case .approveRequest: return .approveRequest
        case .denyRequest: return .denyRequest
        }
    }

    /// The writer an add/remove operation is about.
    public var subject: PublicKey? {
        switch body {
        case .genesis: return nil
        case let .addWriter(writer, _, _), let .removeWriter(writer, _, _), let .approveRequest(writer, _, _, _),
             let .denyRequest(writer, _, _):
            return writer
        }
    }

    /// Signs `body` with the root key of `database`.
    public static func make(_ body: Body, database root: SigningKeyPair, createdAt: UInt64) -> MembershipOperation {
        var op = MembershipOperation(body: body, createdAt: createdAt, signature: [])
        op.signature = root.sign(op.signable(database: root.publicKey))
        return op
    }

    /// Whether the root key of `database` signed exactly this operation.
    public func verify(database: DatabaseID) -> Bool {
        database.verify(signature: signature, message: signable(database: database))
    }

    /// "hypha/membership/v1" ‖ database id ‖ kind ‖ encoded body (with createdAt).
    func signable(database: DatabaseID) -> [UInt8] {
        var w = BinaryWriter(capacity: 160)
        w.raw(Array("hypha/membership/v1".utf8))
        w.raw(database.bytes)
        w.u8(kind.rawValue)
        w.raw(encodedBody())
        return w.bytes
    }

    func encodedBody() -> [UInt8] {
        var w = BinaryWriter(capacity: 128)
        switch body {
        case let .genesis(kdfVersion, domain):
            w.u8(kdfVersion)
            w.string(domain)
        case let .addWriter(writer, name, addedBy):
            w.raw(writer.bytes)
            w.string(name)
            w.raw(addedBy.bytes)
        case let .removeWriter(writer, cutoffLength, cutoffHash):
            w.raw(writer.bytes)
            w.u64(cutoffLength)
            w.raw(cutoffHash)
        case let .approveRequest(writer, name, addedBy, request):
            w.raw(writer.bytes)
            w.string(name)
            w.raw(addedBy.bytes)
            w.raw(request.bytes)
        case let .denyRequest(device, request, deniedBy):
            w.raw(device.bytes)
            w.raw(request.bytes)
            w.raw(deniedBy.bytes)
        }
        w.u64(createdAt)
        return w.bytes
    }

    static func decodeBody(kind: EntryKind, _ bytes: [UInt8], signature: [UInt8]) throws -> MembershipOperation {
        var r = BinaryReader(bytes)
        let body: Body
        switch kind {
        case .genesis:
            let version = try r.u8()
            let domain = try r.string(limit: EntryLimits.maxDomainBytes)
            body = .genesis(kdfVersion: version, domain: domain)
        case .addWriter:
            let writer = try readKey(&r)
            let name = try r.string(limit: EntryLimits.maxNodeNameBytes)
            let addedBy = try readKey(&r)
            body = .addWriter(writer: writer, name: name, addedBy: addedBy)
        case .removeWriter:
            let writer = try readKey(&r)
            let length = try r.u64()
            let hash = try r.raw(32)
            body = .removeWriter(writer: writer, cutoffLength: length, cutoffHash: hash)
        case .approveRequest:
            let writer = try readKey(&r)
            let name = try r.string(limit: EntryLimits.maxNodeNameBytes)
            let addedBy = try readKey(&r)
            body = .approveRequest(writer: writer, name: name, addedBy: addedBy, request: try readRequestID(&r))
        case .denyRequest:
            let device = try readKey(&r)
            let request = try readRequestID(&r)
            body = .denyRequest(device: device, request: request, deniedBy: try readKey(&r))
        case .put, .delete:
            throw EntryError.malformed("not a membership kind")
        }
        let createdAt = try r.u64()
        try r.expectEnd()
        return MembershipOperation(body: body, createdAt: createdAt, signature: signature)
    }

    static func readRequestID(_ r: inout BinaryReader) throws -> RequestID {
        guard let id = RequestID(bytes: try r.raw(RequestID.length)) else { throw EntryError.malformed("request id") }
        return id
    }

    static func readKey(_ r: inout BinaryReader) throws -> PublicKey {
        guard let key = PublicKey(bytes: try r.raw(32)) else { throw EntryError.malformed("key") }
        return key
    }
}
