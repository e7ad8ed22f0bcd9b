import Foundation
import GRDB

/// One log as stored: its writer, its Merkle roots and its latest signed tree.
struct WriterRecord: Sendable {
    var id: Int64
    var key: PublicKey
    var roots: MerkleRoots
    var head: SignedTree?
    var length: UInt64 { roots.length }
}

/// Reading and writing logs (writers, blocks, signatures) inside a database transaction.
/// Nothing here checks signatures: callers verify before calling `append`.
enum LogStore {
    /// Logs hold at most 2^40 blocks: a block's row id is its writer's row id << 40 | index.
    static let maxLength: UInt64 = 1 << 40

    static func blockID(writerID: Int64, index: UInt64) -> Int64 { writerID << 40 | Int64(bitPattern: index) }

    static func writer(_ db: Database, key: PublicKey) throws -> WriterRecord? {
        try Row.fetchOne(db, sql: "SELECT * FROM writers WHERE key = ?", arguments: [Data(key.bytes)]).map(record)
    }

    static func writer(_ db: Database, id: Int64) throws -> WriterRecord? {
        try Row.fetchOne(db, sql: "SELECT * FROM writers WHERE id = ?", arguments: [id]).map(record)
    }

    static func allWriters(_ db: Database) throws -> [WriterRecord] {
        try Row.fetchAll(db, sql: "SELECT * FROM writers ORDER BY id").map(record)
    }

    static func writerOrCreate(_ db: Database, key: PublicKey) throws -> WriterRecord {
        if let existing = try writer(db, key: key) { return existing }
        try db.execute(sql: "INSERT INTO writers (key, length, roots) VALUES (?, 0, ?)",
                       arguments: [Data(key.bytes), Data(MerkleRoots().encoded)])
        return WriterRecord(id: db.lastInsertedRowID, key: key, roots: MerkleRoots(), head: nil)
    }

    /// Stores `blocks` after the writer's current end, with the roots and the signed trees
    /// they verified against (ascending, the last at the new length). One call per append
    /// batch / received chunk.
    static func append(_ db: Database, writer: inout WriterRecord, blocks: [[UInt8]], roots: MerkleRoots, signatures: [SignedTree]) throws {
        guard let signed = signatures.last else { return }
        precondition(roots.length == writer.length + UInt64(blocks.count) && signed.length == roots.length)
        let first = blockID(writerID: writer.id, index: writer.length)
        try SQLBatch.insert(db, into: "blocks (id, data)", columns: 2, rows: Array(blocks.enumerated())) { statement, column, row in
            SQLBatch.bind(statement, column, first + Int64(row.offset))
            SQLBatch.bind(statement, column + 1, blob: row.element)
        }
        let insertSignature = try db.cachedStatement(sql: "INSERT OR REPLACE INTO signatures (writer_id, length, tree_hash, signature) VALUES (?, ?, ?, ?)")
        for tree in signatures {
            try insertSignature.execute(arguments: [writer.id, Int64(bitPattern: tree.length), Data(tree.treeHash), Data(tree.signature)])
        }
        try db.cachedStatement(sql: "UPDATE writers SET length = ?, roots = ?, tree_hash = ?, signature = ? WHERE id = ?")
            .execute(arguments: [Int64(bitPattern: roots.length), Data(roots.encoded), Data(signed.treeHash),
                                 Data(signed.signature), writer.id])
        writer.roots = roots
        writer.head = signed
    }

    static func block(_ db: Database, writerID: Int64, index: UInt64) throws -> [UInt8]? {
        try Data.fetchOne(db.cachedStatement(sql: "SELECT data FROM blocks WHERE id = ?"),
                          arguments: [blockID(writerID: writerID, index: index)]).map { [UInt8]($0) }
    }

    static func blocks(_ db: Database, writerID: Int64, range: Range<UInt64>) throws -> [[UInt8]] {
        guard !range.isEmpty else { return [] }
        let statement = try db.cachedStatement(sql: "SELECT data FROM blocks WHERE id >= ? AND id < ? ORDER BY id")
        return try Data.fetchAll(statement, arguments: [blockID(writerID: writerID, index: range.lowerBound),
                                                        blockID(writerID: writerID, index: range.upperBound)])
            .map { [UInt8]($0) }
    }

    /// The signed trees stored for a writer with lengths in `range`, ascending.
    static func signedTrees(_ db: Database, writerID: Int64, lengths range: ClosedRange<UInt64>) throws -> [SignedTree] {
        try Row.fetchAll(db, sql: """
            SELECT length, tree_hash, signature FROM signatures WHERE writer_id = ? AND length >= ? AND length <= ? ORDER BY length
            """, arguments: [writerID, Int64(bitPattern: range.lowerBound), Int64(bitPattern: range.upperBound)]).map {
            SignedTree(length: UInt64(bitPattern: $0["length"]), treeHash: [UInt8]($0["tree_hash"] as Data),
                       signature: [UInt8]($0["signature"] as Data))
        }
    }

    /// The roots of the first `length` blocks, recomputed from the stored blocks (rare paths:
    /// fork investigation and integrity checks).
    static func roots(_ db: Database, writerID: Int64, length: UInt64) throws -> MerkleRoots {
        var roots = MerkleRoots()
        var at: UInt64 = 0
        while at < length {
            let end = min(length, at + 4096)
            roots.append(blocks: try blocks(db, writerID: writerID, range: at..<end))
            at = end
        }
        return roots
    }

    private static func record(_ row: Row) throws -> WriterRecord {
        guard let key = PublicKey(bytes: [UInt8](row["key"] as Data)) else {
            throw StoreError.corrupt("writer key of row \(row["id"] as Int64)")
        }
        let roots = try MerkleRoots(encoded: [UInt8](row["roots"] as Data))
        var head: SignedTree?
        if let hash = row["tree_hash"] as Data?, let signature = row["signature"] as Data? {
            head = SignedTree(length: roots.length, treeHash: [UInt8](hash), signature: [UInt8](signature))
        }
        return WriterRecord(id: row["id"], key: key, roots: roots, head: head)
    }
}

/// Logs capped by the integrity check (their later blocks do not match their signatures).
enum LogQuarantine {
    static func caps(_ db: Database) throws -> [Int64: UInt64] {
        var caps: [Int64: UInt64] = [:]
        for row in try Row.fetchAll(db, sql: "SELECT writer_id, valid_length FROM log_caps") {
            caps[row["writer_id"]] = UInt64(bitPattern: row["valid_length"])
        }
        return caps
    }
}

/// Fork proofs: two validly signed, different blocks at one position of a log.
enum ForkRecords {
    /// The first forked position of each forked log: nothing at or after it is applied.
    static func firstForkIndex(_ db: Database) throws -> [Int64: UInt64] {
        var forks: [Int64: UInt64] = [:]
        for row in try Row.fetchAll(db, sql: "SELECT writer_id, MIN(idx) AS idx FROM forks GROUP BY writer_id") {
            forks[row["writer_id"]] = UInt64(bitPattern: row["idx"])
        }
        return forks
    }

    /// Records a verified fork proof (one row per writer and position); false when that
    /// position was already recorded.
    @discardableResult
    static func record(_ db: Database, writerID: Int64, proof: ForkProof, at time: UInt64) throws -> Bool {
        try db.execute(sql: """
            INSERT OR IGNORE INTO forks (writer_id, idx, ours, theirs, our_length, our_tree_hash, our_signature,
                                         their_length, their_tree_hash, their_signature, detected_at, proof)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            """, arguments: [writerID, Int64(bitPattern: proof.index), Data(proof.first.block), Data(proof.second.block),
                             Int64(bitPattern: proof.first.signed.length), Data(proof.first.signed.treeHash), Data(proof.first.signed.signature),
                             Int64(bitPattern: proof.second.signed.length), Data(proof.second.signed.treeHash),
                             Data(proof.second.signed.signature), Int64(bitPattern: time), Data(proof.encoded)])
        return db.changesCount > 0
    }

    /// The proof of each forked log's first fork (forks recorded before proofs travelled have
    /// none).
    static func proofs(_ db: Database) throws -> [ForkProof] {
        try Data.fetchAll(db, sql: """
            SELECT proof FROM forks f WHERE proof IS NOT NULL
              AND idx = (SELECT MIN(idx) FROM forks g WHERE g.writer_id = f.writer_id)
            ORDER BY writer_id
            """).compactMap { try? ForkProof(encoded: [UInt8]($0)) }
    }
}

/// Storage-level failures.
public enum StoreError: UserFacingError, Equatable {
    case corrupt(String)
    case notADatabase(String)
    case wrongDatabase(expected: String, found: String)
    case invalidEvidence(String)

    public var description: String {
        switch self {
        case let .corrupt(what): return "the database is damaged: \(what)"
        case let .notADatabase(path): return "'\(path)' is not a Hypha database"
        case let .wrongDatabase(expected, found): return "this database belongs to \(found), not \(expected)"
        case let .invalidEvidence(why): return "invalid evidence: \(why)"
        }
    }
}
