/// One change to write: a put or a delete of a key. `replaces` names the versions of the key
/// the writer saw (when an editor opened, or `--replaces`); nil means every version this node
/// holds when the change is written.
public enum Change: Sendable, Equatable {
    case put(key: String, value: [UInt8], replaces: [VersionID]? = nil)
    case delete(key: String, replaces: [VersionID]? = nil)

    public var key: String {
        switch self {
        case let .put(key, _, _), let .delete(key, _): return key
        }
    }

    /// nil for a delete.
    public var value: [UInt8]? {
        if case let .put(_, value, _) = self { return value }
        return nil
    }

    public var replaces: [VersionID]? {
        switch self {
        case let .put(_, _, replaces), let .delete(_, replaces): return replaces
        }
    }
}

/// One of the concurrent values of a key (a single one unless in conflict).
public struct EntryVersion: Sendable, Equatable {
    /// nil: this version is a deletion.
    public var value: [UInt8]?
    public var writer: PublicKey
    /// The writer's node name from its add-writer operation, when known.
    public var writerName: String?
    public var timestamp: UInt64
    public var index: UInt64
    public var isDeletion: Bool { value == nil }
    /// The version's stable id (writer and position).
    public var id: VersionID { VersionID(writer: writer, index: index) }

    public init(value: [UInt8]?, writer: PublicKey, writerName: String?, timestamp: UInt64, index: UInt64) {
        self.value = value
        self.writer = writer
        self.writerName = writerName
        self.timestamp = timestamp
        self.index = index
    }
}

/// A key with every current version, the display winner first.
public struct EntryDetail: Sendable, Equatable {
    public var key: String
    public var versions: [EntryVersion]
    public var isConflict: Bool { versions.count > 1 }
    public var winner: EntryVersion { versions[0] }
    /// True when every version is a deletion (the key is gone).
    public var isDeleted: Bool { versions.allSatisfy(\.isDeletion) }
    /// Every current version's id: what an edit made now replaces.
    public var versionIDs: [VersionID] { versions.map(\.id) }

    public init(key: String, versions: [EntryVersion]) {
        self.key = key
        self.versions = versions
    }
}

/// A listed key: the display winner's value and how many versions are in conflict.
public struct EntrySummary: Sendable, Equatable {
    public var key: String
    public var value: [UInt8]?
    public var versionCount: Int
    public var timestamp: UInt64
    public var isConflict: Bool { versionCount > 1 }

    public init(key: String, value: [UInt8]?, versionCount: Int, timestamp: UInt64) {
        self.key = key
        self.value = value
        self.versionCount = versionCount
        self.timestamp = timestamp
    }
}

/// A writer as the membership describes it.
public struct WriterInfo: Sendable, Equatable {
    public var key: PublicKey
    public var name: String?
    public var addedBy: PublicKey?
    public var status: WriterStatus
    /// Blocks stored / applied to the view.
    public var length: UInt64
    public var appliedLength: UInt64
    /// How many blocks count when not all do (removed, forked or damaged logs); nil when all.
    public var acceptedLength: UInt64?
    public var forkedAt: UInt64?
}

/// A writer's whole log, for `hypha log --json` and independent verification.
public struct LogExport: Sendable, Equatable {
    public var writer: PublicKey
    public var length: UInt64
    public var treeHash: [UInt8]
    public var signature: [UInt8]
    public var blocks: [[UInt8]]
}

/// A writer's latest signed head, as exchanged with peers.
public struct LogHead: Sendable, Equatable {
    public var writer: PublicKey
    public var signed: SignedTree
}

/// Consecutive blocks of one log with the writer's signature at every batch boundary they
/// span (ascending; the last one is at `start + blocks.count`). Carrying every boundary lets
/// every node hold every signed length, so a peer's head can always be checked against ours.
public struct LogChunk: Sendable, Equatable {
    public var writer: PublicKey
    public var start: UInt64
    public var blocks: [[UInt8]]
    public var signatures: [SignedTree]
    public var end: UInt64 { start + UInt64(blocks.count) }

    /// The longest prefix of this chunk that ends at one of its signed lengths ≤ `limit`; nil
    /// when none does.
    func prefix(endingBy limit: UInt64) -> LogChunk? {
        if end <= limit { return self }
        guard let keep = signatures.last(where: { $0.length <= limit }) else { return nil }
        return LogChunk(writer: writer, start: start, blocks: Array(blocks[..<Int(keep.length - start)]),
                        signatures: signatures.filter { $0.length <= keep.length })
    }

    public init(writer: PublicKey, start: UInt64, blocks: [[UInt8]], signatures: [SignedTree]) {
        self.writer = writer
        self.start = start
        self.blocks = blocks
        self.signatures = signatures
    }
}

/// What happened to blocks received from a peer.
public enum IngestOutcome: Sendable, Equatable {
    case stored(newLength: UInt64)
    case alreadyHave
    case rejected(reason: String)
    /// The writer signed two different blocks at one position: this proof was recorded (the
    /// sender is not at fault; its log is one of the two versions).
    case forkRecorded(ForkProof)
    /// The blocks conflict with what is stored before their start: the whole log is needed to
    /// tell a fork from bad data.
    case needsFullLog
    /// Valid, but (some of) it is not stored: it does not count (after a fork point or a
    /// removed writer's cut-off, beyond the budget of a writer nobody added). Not the sender's
    /// fault; asking again is pointless until membership changes.
    case notCounted(reason: String)
}

/// Something a node cannot do in its current state.
public enum NodeError: UserFacingError, Equatable {
    case locked
    case notWritable
    case invalidKey(String)
    case valueTooLarge(Int)
    case batchTooLarge(Int)
    case nothingToWrite
    case noSuchEntry(String)
    case noSuchNode(String)
    case alreadyRevoked(String)
    case ambiguousNode(String, candidates: [String])
    /// This device was removed from the database.
    case revoked(by: String, on: String)
    /// This device's own log forked (a copy of its data directory wrote too).
    case ownLogForked(at: UInt64)
    case cannotRevokeSelf

    public var description: String {
        switch self {
        case .locked: return "the database is locked: the passphrase is needed"
        case .notWritable: return "this node is not authorised to write yet (read-only)"
        case let .invalidKey(why): return "invalid key: \(why)"
        case let .valueTooLarge(n): return "the value is \(n) bytes; at most \(EntryLimits.maxValueBytes) are allowed"
        case let .batchTooLarge(n): return "a batch of \(n) changes is too large; at most \(HyphaDatabase.maxBatchEntries)"
        case .nothingToWrite: return "nothing to write"
        case let .noSuchEntry(key): return "no entry '\(Sanitise.forTerminal(key, limit: 80))'"
        case let .noSuchNode(name): return "no node matches '\(Sanitise.forTerminal(name, limit: 80))'"
        case let .alreadyRevoked(name): return "node \(Sanitise.forTerminal(name, limit: 80)) is already revoked"
        case let .revoked(by, day): return "this device was revoked by \(by) on \(day)"
        case let .ownLogForked(at):
            return "this device's log forked at entry \(at) (a copy of its data directory wrote too): its later writes count nowhere; join again as a new device"
        case .cannotRevokeSelf: return "a device cannot revoke itself: revoke it from another authorised device"
        case let .ambiguousNode(name, candidates):
            return "'\(Sanitise.forTerminal(name, limit: 80))' matches several nodes: \(candidates.joined(separator: ", "))"
        }
    }
}
