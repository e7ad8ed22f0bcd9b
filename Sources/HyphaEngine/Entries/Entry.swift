/// A log entry, the content of one block (docs/PROTOCOL.md, "Entries"):
///
///     u8 version ‖ u8 kind ‖ body       version 1 for every kind, 2 for data operations that
///                                       name the versions they replace
///     membership body: varint-length-prefixed operation body ‖ signature[64]
///     data body:       u64le timestamp ‖ varint n ‖ n × (writer[32] ‖ varint length) ‖ varint-length-prefixed sealed payload
public enum Entry: Sendable, Equatable {
    case membership(MembershipOperation)
    case data(DataOperation)

    public var kind: EntryKind {
        switch self {
        case let .membership(op): return op.kind
        case let .data(op): return op.kind
        }
    }

    public func encoded() -> [UInt8] {
        var w = BinaryWriter(capacity: 128)
        switch self {
        case .membership: w.u8(EntryLimits.formatVersion)
        case let .data(op): w.u8(op.version)
        }
        w.u8(kind.rawValue)
        switch self {
        case let .membership(op):
            w.lengthPrefixed(op.encodedBody())
            w.raw(op.signature)
            if op.kind == .succession { w.raw(op.successorSignature) }
        case let .data(op):
            w.u64(op.timestamp)
            w.varint(UInt64(op.dependencies.count))
            for dep in op.dependencies {
                w.raw(dep.writer.bytes)
                w.varint(dep.length)
            }
            w.lengthPrefixed(op.sealed)
        }
        return w.bytes
    }

    /// Decodes a block. Never traps on hostile input; signatures are checked by the caller
    /// (`MembershipOperation.verify`) because that needs the database id.
    public static func decode(_ block: [UInt8]) throws -> Entry {
        guard block.count <= EntryLimits.maxBlockBytes else { throw EntryError.tooLarge("block") }
        do {
            var r = BinaryReader(block)
            let version = try r.u8()
            guard version == EntryLimits.formatVersion || version == EntryLimits.replacingDataVersion else {
                throw EntryError.unsupportedVersion(version)
            }
            let rawKind = try r.u8()
            guard let kind = EntryKind(rawValue: rawKind) else { throw EntryError.unknownKind(rawKind) }
            if kind.isMembership {
                guard version == EntryLimits.formatVersion else { throw EntryError.unsupportedVersion(version) }
                let body = try r.lengthPrefixed(limit: kind == .succession ? 64 * 1024 : 512)
                let signature = try r.raw(64)
                var op = try MembershipOperation.decodeBody(kind: kind, body, signature: signature)
                if kind == .succession { op.successorSignature = try r.raw(64) }
                try r.expectEnd()
                return .membership(op)
            }
            let timestamp = try r.u64()
            let count = try r.varint()
            guard count <= UInt64(EntryLimits.maxDependencies) else { throw EntryError.tooLarge("dependency list") }
            var deps: [DataOperation.Dependency] = []
            deps.reserveCapacity(Int(count))
            for _ in 0..<count {
                let writer = try MembershipOperation.readKey(&r)
                deps.append(.init(writer: writer, length: try r.varint()))
            }
            let sealed = try r.lengthPrefixed(limit: EntryLimits.maxBlockBytes)
            try r.expectEnd()
            return .data(DataOperation(version: version, kind: kind, timestamp: timestamp, dependencies: deps, sealed: sealed))
        } catch let error as BinaryDecodingError {
            throw EntryError.malformed(error.description)
        }
    }
}
