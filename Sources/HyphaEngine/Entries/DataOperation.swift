/// A data operation (put or delete) as stored in a block: its causal dependencies and
/// timestamp in clear, the key and value sealed with the data key.
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

    public var kind: EntryKind            // .put or .delete
    /// Milliseconds since the epoch; picks the display winner of a conflict, never causality.
    public var timestamp: UInt64
    /// The writers whose known length changed since the author's previous entry (delta-encoded
    /// heads of the author's view; an entry also depends on every earlier entry of its own log).
    public var dependencies: [Dependency]
    /// XChaCha20-Poly1305(nonce ‖ ciphertext ‖ tag) of the payload.
    public var sealed: [UInt8]

    /// The plaintext payload.
    public struct Payload: Sendable, Equatable {
        public var key: String
        public var value: [UInt8]?   // nil for delete
        public init(key: String, value: [UInt8]?) {
            self.key = key
            self.value = value
        }
    }

    /// Seals `payload` for `writer` of `database`.
    public static func make(_ payload: Payload, timestamp: UInt64, dependencies: [Dependency],
                            database: DatabaseID, writer: PublicKey, dataKey: SecureBytes) -> DataOperation {
        let kind: EntryKind = payload.value == nil ? .delete : .put
        var w = BinaryWriter(capacity: payload.key.utf8.count + (payload.value?.count ?? 0) + 8)
        w.string(payload.key)
        if let value = payload.value { w.lengthPrefixed(value) }
        let sealed = XChaCha20Poly1305.seal(w.bytes, key: dataKey,
                                            associatedData: associatedData(kind: kind, database: database, writer: writer))
        return DataOperation(kind: kind, timestamp: timestamp, dependencies: dependencies, sealed: sealed)
    }

    /// Opens the payload; nil when it does not decrypt (another key, tampering) or is malformed.
    public func open(database: DatabaseID, writer: PublicKey, dataKey: SecureBytes) -> Payload? {
        open(associatedData: Self.associatedData(kind: kind, database: database, writer: writer), dataKey: dataKey)
    }

    /// `open` with the associated data computed by the caller (it only depends on the kind, the
    /// database and the writer, so a bulk reader computes it once per log).
    func open(associatedData: [UInt8], dataKey: SecureBytes) -> Payload? {
        guard let plain = XChaCha20Poly1305.open(sealed, key: dataKey, associatedData: associatedData) else { return nil }
        var r = BinaryReader(plain)
        guard let key = try? r.string(limit: EntryLimits.maxKeyBytes) else { return nil }
        var value: [UInt8]?
        if kind == .put {
            guard let v = try? r.lengthPrefixed(limit: EntryLimits.maxValueBytes) else { return nil }
            value = v
        }
        guard r.isAtEnd else { return nil }
        return Payload(key: key, value: value)
    }

    /// "hypha/data/v1" ‖ database id ‖ writer key ‖ kind: binds the ciphertext to its log.
    static func associatedData(kind: EntryKind, database: DatabaseID, writer: PublicKey) -> [UInt8] {
        Array("hypha/data/v1".utf8) + database.bytes + writer.bytes + [kind.rawValue]
    }
}
