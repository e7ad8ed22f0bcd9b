import Foundation
import GRDB

/// The `proven_blocks` table: blocks kept with a proof apart from the logs (see `ProvenBlock`).
/// Source of truth, never rebuilt: a log cut back at a cut-off no longer holds them.
enum ProvenBlocks {
    /// At most this many are kept (they are made only by holders of the root key, one or two per
    /// removal; the bound keeps a misbehaving root-key holder from filling the disk).
    static let maxCount = 8192

    /// Proves block `index` of a stored log against the log's head and keeps it, unless already
    /// kept; returns it when new.
    @discardableResult
    static func record(_ db: Database, database: DatabaseID, writerID: Int64, index: UInt64) throws -> ProvenBlock? {
        guard let log = try LogStore.writer(db, id: writerID), let head = log.head, head.length > index,
              let block = try LogStore.block(db, writerID: writerID, index: index),
              try !contains(db, writer: log.key, position: index, hash: Blake2b.hash(block)) else { return nil }
        let proof = try BlockProof.make(index: index, signed: head) { range in try LogStore.blocks(db, writerID: writerID, range: range) }
        let proven = ProvenBlock(writer: log.key, proof: proof)
        return try store(db, proven, database: database) ? proven : nil
    }

    /// Keeps a verified proven block; false when it was already kept (or the table is full).
    static func store(_ db: Database, _ proven: ProvenBlock, database: DatabaseID) throws -> Bool {
        guard try (Int.fetchOne(db, sql: "SELECT COUNT(*) FROM proven_blocks") ?? 0) < maxCount else { return false }
        try db.execute(sql: """
            INSERT OR IGNORE INTO proven_blocks (writer, position, hash, is_removal, evidence) VALUES (?, ?, ?, ?, ?)
            """, arguments: [Data(proven.writer.bytes), Int64(bitPattern: proven.position), Data(Blake2b.hash(proven.block)),
                             proven.removal(database: database) != nil, Data(proven.encoded)])
        return db.changesCount > 0
    }

    static func contains(_ db: Database, writer: PublicKey, position: UInt64, hash: [UInt8]) throws -> Bool {
        try Int.fetchOne(db, sql: "SELECT 1 FROM proven_blocks WHERE writer = ? AND position = ? AND hash = ?",
                         arguments: [Data(writer.bytes), Int64(bitPattern: position), Data(hash)]) != nil
    }

    static func all(_ db: Database) throws -> [ProvenBlock] {
        try Data.fetchAll(db, sql: "SELECT evidence FROM proven_blocks ORDER BY writer, position, hash")
            .compactMap { try? ProvenBlock(encoded: [UInt8]($0)) }
    }

    /// The kept removals (root signatures were checked when they were kept).
    static func removals(_ db: Database) throws -> [ProvenBlock] {
        try Data.fetchAll(db, sql: "SELECT evidence FROM proven_blocks WHERE is_removal = 1")
            .compactMap { try? ProvenBlock(encoded: [UInt8]($0)) }
    }

    /// Hashes of the blocks kept for `writer` at `position`.
    static func hashes(_ db: Database, writer: PublicKey, position: UInt64) throws -> [[UInt8]] {
        try Data.fetchAll(db, sql: "SELECT hash FROM proven_blocks WHERE writer = ? AND position = ?",
                          arguments: [Data(writer.bytes), Int64(bitPattern: position)]).map { [UInt8]($0) }
    }
}
