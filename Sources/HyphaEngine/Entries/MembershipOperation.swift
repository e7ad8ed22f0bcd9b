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
        /// This database moved to `successor` (made under a new passphrase and `domain`): it is
        /// frozen at `point` (every writer's length the successor's state was taken at), whose
        /// live entries `copier` wrote into its successor log at positions `copies`. Signed by
        /// this database's root and, in `successorSignature`, by the successor's root.
        case succession(Succession)
        /// (In a successor database.) It succeeds `database`.
        case predecessor(database: DatabaseID)
    }

    /// The content of a succession operation.
    public struct Succession: Sendable, Equatable, Hashable {
        public var successor: DatabaseID
        public var domain: String
        public var point: [DataOperation.Dependency]
        public var copier: PublicKey
        public var copies: Range<UInt64>

        public init(successor: DatabaseID, domain: String, point: [DataOperation.Dependency], copier: PublicKey, copies: Range<UInt64>) {
            self.successor = successor
            self.domain = domain
            self.point = point
            self.copier = copier
            self.copies = copies
        }
    }

    public var body: Body
    /// Milliseconds since the epoch when it was made; informational only (never used to decide).
    public var createdAt: UInt64
    public var signature: [UInt8]
    /// A succession's second signature, by the successor's root key; empty for other kinds.
    public var successorSignature: [UInt8] = []

    public var kind: EntryKind {
        switch body {
        case .genesis: return .genesis
        case .addWriter: return .addWriter
        case .removeWriter: return .removeWriter
        case .approveRequest: return .approveRequest
        case .denyRequest: return .denyRequest
        case .succession: return .succession
        case .predecessor: return .predecessor
        }
    }

    /// The writer an add/remove operation is about.
    public var subject: PublicKey? {
        switch body {
        case .genesis, .succession, .predecessor: return nil
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

    /// Whether the root key of `database` signed exactly this operation (and, for a
    /// succession, the successor's root key too).
    public func verify(database: DatabaseID) -> Bool {
        guard database.verify(signature: signature, message: signable(database: database)) else { return false }
        if case let .succession(succession) = body {
            return succession.successor.verify(signature: successorSignature, message: successorSignable(predecessor: database))
        }
        return true
    }

    /// A succession signed by the old root (`database`) and the new root (`successor`).
    public static func makeSuccession(_ succession: Succession, database root: SigningKeyPair, successor: SigningKeyPair,
                                      createdAt: UInt64) -> MembershipOperation {
        var op = make(.succession(succession), database: root, createdAt: createdAt)
        op.successorSignature = successor.sign(op.successorSignable(predecessor: root.publicKey))
        return op
    }

    /// "hypha/succession/v1" ‖ predecessor database id ‖ encoded body: what the successor's
    /// root signs.
    func successorSignable(predecessor: DatabaseID) -> [UInt8] {
        Array("hypha/succession/v1".utf8) + predecessor.bytes + encodedBody()
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
        case let .succession(succession):
            w.raw(succession.successor.bytes)
            w.string(succession.domain)
            w.varint(UInt64(succession.point.count))
            for dependency in succession.point {
                w.raw(dependency.writer.bytes)
                w.varint(dependency.length)
            }
            w.raw(succession.copier.bytes)
            w.varint(succession.copies.lowerBound)
            w.varint(succession.copies.upperBound)
        case let .predecessor(database):
            w.raw(database.bytes)
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
        case .succession:
            let successor = try readKey(&r)
            let domain = try r.string(limit: EntryLimits.maxDomainBytes)
            let count = try r.varint()
            guard count <= UInt64(EntryLimits.maxDependencies) else { throw EntryError.tooLarge("succession point") }
            var point: [DataOperation.Dependency] = []
            for _ in 0..<count { point.append(.init(writer: try readKey(&r), length: try r.varint())) }
            let copier = try readKey(&r)
            let start = try r.varint(), end = try r.varint()
            guard start <= end else { throw EntryError.malformed("succession copy range") }
            body = .succession(Succession(successor: successor, domain: domain, point: point, copier: copier, copies: start..<end))
        case .predecessor:
            body = .predecessor(database: try readKey(&r))
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
