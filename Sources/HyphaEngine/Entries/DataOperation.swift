/// A data operation (put or delete) as stored in a block: its causal dependencies and
/// timestamp in clear, the key and value sealed with the data key.
///
/// Two formats (docs/PROTOCOL.md, "Entries"): version 1 replaces every version of its key in its
/// causal past; version 2 names exactly the versions it replaces, inside the sealed payload, so an
/// edit of a stale version stays visible as a conflict.
public struct DataOperation: Sendable, Equatable {
    /// One dependency: the writer's log had `length` blocks in the author's view.
    public struct Dependency: Sendable, Equatable, Hashable {
        public var writer: PublicKey
        public var length: UInt64
        public init(writer: PublicKey, length: UInt64) {
            self.writer = writer
            self.length = length
        }
    }

    /// Entry format version: 1 or 2.
    public var version: UInt8
    public var kind: EntryKind            // .put or .delete
    /// Milliseconds since the epoch; picks the display winner of a conflict, never causality.
    public var timestamp: UInt64
    /// The writers whose known length changed since the author's previous entry (delta-encoded
    /// heads of the author's view; an entry also depends on every earlier entry of its own log).
    public var dependencies: [Dependency]
    /// XChaCha20-Poly1305(nonce ‖ ciphertext ‖ tag) of the payload.
    public var sealed: [UInt8]

    /// Most versions one operation can name as replaced.
    public static let maxReplaced = 1024

    /// The plaintext payload.
    public struct Payload: Sendable, Equatable {
        public var key: String
        public var value: [UInt8]?   // nil for delete
        /// Version 2: the versions of `key` this operation replaces. nil: version 1 (everything
        /// of this key in the author's causal past).
        public var replaces: [VersionID]?
        public init(key: String, value: [UInt8]?, replaces: [VersionID]? = nil) {
            self.key = key
            self.value = value
            self.replaces = replaces
        }
    }

    /// Seals `payload` for `writer` of `database` (version 2 when it names what it replaces).
    public static func make(_ payload: Payload, timestamp: UInt64, dependencies: [Dependency],
                            database: DatabaseID, writer: PublicKey, dataKey: SecureBytes) -> DataOperation {
        let kind: EntryKind = payload.value == nil ? .delete : .put
        let version: UInt8 = payload.replaces == nil ? 1 : 2
        var w = BinaryWriter(capacity: payload.key.utf8.count + (payload.value?.count ?? 0) + 8 + 40 * (payload.replaces?.count ?? 0))
        w.string(payload.key)
        if let replaces = payload.replaces {
            w.varint(UInt64(replaces.count))
            for id in replaces {
                w.raw(id.writer.bytes)
                w.varint(id.index)
            }
        }
        if let value = payload.value { w.lengthPrefixed(value) }
        let sealed = XChaCha20Poly1305.seal(w.bytes, key: dataKey,
                                            associatedData: associatedData(version: version, kind: kind, database: database, writer: writer))
        return DataOperation(version: version, kind: kind, timestamp: timestamp, dependencies: dependencies, sealed: sealed)
    }

    /// Opens the payload; nil when it does not decrypt (another key, tampering) or is malformed.
    public func open(database: DatabaseID, writer: PublicKey, dataKey: SecureBytes) -> Payload? {
        open(associatedData: Self.associatedData(version: version, kind: kind, database: database, writer: writer), dataKey: dataKey)
    }

    /// `open` with the associated data computed by the caller (it only depends on the version,
    /// the kind, the database and the writer, so a bulk reader computes it once per log).
    func open(associatedData: [UInt8], dataKey: SecureBytes) -> Payload? {
        guard let plain = XChaCha20Poly1305.open(sealed, key: dataKey, associatedData: associatedData) else { return nil }
        var r = BinaryReader(plain)
        guard let key = try? r.string(limit: EntryLimits.maxKeyBytes) else { return nil }
        var replaces: [VersionID]?
        if version == 2 {
            guard let count = try? r.varint(), count <= UInt64(Self.maxReplaced) else { return nil }
            var ids: [VersionID] = []
            ids.reserveCapacity(Int(count))
            for _ in 0..<count {
                guard let writer = try? MembershipOperation.readKey(&r), let index = try? r.varint() else { return nil }
                ids.append(VersionID(writer: writer, index: index))
            }
            replaces = ids
        }
        var value: [UInt8]?
        if kind == .put {
            guard let v = try? r.lengthPrefixed(limit: EntryLimits.maxValueBytes) else { return nil }
            value = v
        }
        guard r.isAtEnd else { return nil }
        return Payload(key: key, value: value, replaces: replaces)
    }

    /// `"hypha/data/v<version>" ‖ database id ‖ writer key ‖ kind`: binds the ciphertext to its
    /// log and its format (a version byte changed in clear makes the payload fail to open).
    static func associatedData(version: UInt8, kind: EntryKind, database: DatabaseID, writer: PublicKey) -> [UInt8] {
        Array("hypha/data/v\(version)".utf8) + database.bytes + writer.bytes + [kind.rawValue]
    }
}
