/// The storage side of replication. The network calls these only from the store's serial queue
/// (never from an event loop), one call at a time.
public protocol ReplicationStore: AnyObject, Sendable {
    var databaseID: DatabaseID { get }
    /// The latest signed head of every stored log.
    func heads() throws -> [SignedHead]
    /// Blocks [start, min(end, stored length)) grouped in chunks that each END at a signed length,
    /// each chunk at most `maxBytes` of block data (except a single block larger than that).
    /// If `end` falls inside a signed batch, the last chunk runs to the end of that batch, so a
    /// request always makes progress. No chunk (an empty array) means nothing stored from `start`.
    /// A chunk must fit one Data message (≤ 65,536 blocks, each ≤ 1 MiB, about `maxBytes` in all):
    /// logs must therefore be signed at least that often, or such a batch cannot be sent.
    func chunks(writer: PublicKey, start: UInt64, end: UInt64, maxBytes: Int) throws -> [BlockChunk]
    /// Verifies the chunk against the stored prefix and the signature, stores it, returns what happened.
    func ingest(_ chunk: BlockChunk) throws -> IngestResult
    /// How far it is worth asking for the logs that do not all count here (writers nobody added,
    /// within their budget; removed writers; forked logs): a Want never goes beyond.
    func wantCeilings() throws -> [PublicKey: UInt64]
    /// Every piece of evidence held (fork proofs, proven blocks), in the order to send it.
    func evidence() throws -> [Evidence]
    /// Verifies evidence from a peer and keeps it when it matters here.
    func ingest(evidence: Evidence) throws -> EvidenceResult
}

extension ReplicationStore {
    /// A store that keeps everything it is given has no ceilings.
    public func wantCeilings() throws -> [PublicKey: UInt64] { [:] }
}

/// A writer's log length with the tree hash and the writer's signature over it.
public struct SignedHead: Sendable, Hashable {
    public static let treeHashLength = 32
    public static let signatureLength = 64
    /// Bytes of a head on the wire: writer ‖ u64le length ‖ tree hash ‖ signature.
    public static let encodedLength = PublicKey.length + 8 + treeHashLength + signatureLength

    public var writer: PublicKey
    public var length: UInt64
    public var treeHash: [UInt8]
    public var signature: [UInt8]

    /// `treeHash` must be 32 bytes and `signature` 64 (a local programming error otherwise; bytes
    /// from the network are size-checked by the decoder before they get here).
    public init(writer: PublicKey, length: UInt64, treeHash: [UInt8], signature: [UInt8]) {
        precondition(treeHash.count == Self.treeHashLength && signature.count == Self.signatureLength,
                     "SignedHead needs a 32-byte tree hash and a 64-byte signature")
        self.writer = writer
        self.length = length
        self.treeHash = treeHash
        self.signature = signature
    }
}

/// Consecutive blocks of one writer's log, `[start, start + blocks.count)`, ending at the signed
/// length `signed.length`.
public struct BlockChunk: Sendable, Equatable {
    public var writer: PublicKey
    public var start: UInt64
    public var blocks: [[UInt8]]
    public var signed: SignedHead

    public init(writer: PublicKey, start: UInt64, blocks: [[UInt8]], signed: SignedHead) {
        self.writer = writer
        self.start = start
        self.blocks = blocks
        self.signed = signed
    }

    /// The position after the last block (saturating, so a hostile start cannot trap).
    public var end: UInt64 {
        let (sum, overflow) = start.addingReportingOverflow(UInt64(blocks.count))
        return overflow ? UInt64.max : sum
    }

    /// Total bytes of block data.
    public var byteCount: Int { blocks.reduce(0) { $0 + $1.count } }
}

/// What the store did with a chunk.
public enum IngestResult: Sendable, Equatable {
    case stored(newLength: UInt64)
    case alreadyHave
    case rejected(reason: String)
    /// The chunk conflicts with the stored log (a fork): the store wants the whole remote log.
    case needsFullLog
    /// Valid, but not (all) stored because it does not count here (after a fork or a cut-off,
    /// beyond a budget): stop asking for this writer until membership changes.
    case notCounted
}
