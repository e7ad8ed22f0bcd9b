/// One change to write: a put or a delete of a key.
public enum Change: Sendable, Equatable {
    case put(key: String, value: [UInt8])
    case delete(key: String)

    public var key: String {
        switch self {
        case let .put(key, _), let .delete(key): return key
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
}

/// A key with every current version, the display winner first.
public struct EntryDetail: Sendable, Equatable {
    public var key: String
    public var versions: [EntryVersion]
    public var isConflict: Bool { versions.count > 1 }
    public var winner: EntryVersion { versions[0] }
    /// True when every version is a deletion (the key is gone).
    public var isDeleted: Bool { versions.allSatisfy(\.isDeletion) }
}

/// A listed key: the display winner's value and how many versions are in conflict.
public struct EntrySummary: Sendable, Equatable {
    public var key: String
    public var value: [UInt8]?
    public var versionCount: Int
    public var timestamp: UInt64
    public var isConflict: Bool { versionCount > 1 }
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
    /// The writer signed two different blocks at `index`: a fork proof was recorded (the
    /// sender is not at fault; its log is one of the two versions).
    case forkRecorded(index: UInt64)
    /// The blocks conflict with what is stored before their start: the whole log is needed to
    /// tell a fork from bad data.
    case needsFullLog
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
        case let .ambiguousNode(name, candidates):
            return "'\(Sanitise.forTerminal(name, limit: 80))' matches several nodes: \(candidates.joined(separator: ", "))"
        }
    }
}
