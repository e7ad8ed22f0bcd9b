import Foundation
import GRDB

/// Keeps stored logs within what membership lets a node store: nothing at or after a fork
/// point, nothing after a removed writer's cut-off (docs/PROTOCOL.md, "Budgets"). Logs are cut
/// back to the longest signed length within the limit, so what remains is still a verifiable,
/// servable prefix.
enum LogPruning {
    /// Keeps the block at every removal's cut-off that is stored here as a proven block (the
    /// removal's hash is checked against it everywhere, even after logs are cut), then
    /// truncates every log that holds more than its storage limit; returns the proven blocks
    /// made (to give to peers).
    @discardableResult
    static func enforce(_ db: Database, database: DatabaseID) throws -> [ProvenBlock] {
        let membership = try MembershipState.load(db)
        let forks = try ForkRecords.firstForkIndex(db)
        var proven: [ProvenBlock] = []
        for (subject, removals) in membership.removals {
            guard let log = try LogStore.writer(db, key: subject) else { continue }
            for removal in removals where removal.cutoffLength > 0 && removal.cutoffLength <= log.length {
                if let made = try ProvenBlocks.record(db, database: database, writerID: log.id, index: removal.cutoffLength - 1) {
                    proven.append(made)
                }
            }
        }
        for log in try LogStore.allWriters(db) {
            guard let limit = membership.storageLimit(of: log.key, forkedAt: forks[log.id]), log.length > limit else { continue }
            try truncate(db, log: log, to: limit)
        }
        return proven
    }

    /// How many blocks of a log may be stored given where it is cut (nil: no limit).
    static func storableLength(_ db: Database, writerID: Int64, limit: UInt64?) throws -> UInt64? {
        guard let limit else { return nil }
        return try LogStore.signedTrees(db, writerID: writerID, lengths: 0...limit).last?.length ?? 0
    }

    /// Cuts `log` back to the longest stored signed length ≤ `limit`.
    static func truncate(_ db: Database, log: WriterRecord, to limit: UInt64) throws {
        let target = try storableLength(db, writerID: log.id, limit: limit) ?? log.length
        guard target < log.length else { return }
        try rewrite(db, log: log, to: target)
    }

    /// Cuts `log` back to the longest stored signed length ≤ `limit` and recomputes its stored
    /// roots and head from the blocks and signatures (repairing them when they were damaged).
    static func rewrite(_ db: Database, log: WriterRecord, to limit: UInt64) throws {
        let target = min(log.length, try storableLength(db, writerID: log.id, limit: limit) ?? log.length)
        try db.execute(sql: "DELETE FROM blocks WHERE id >= ? AND id < ?",
                       arguments: [LogStore.blockID(writerID: log.id, index: target), LogStore.blockID(writerID: log.id + 1, index: 0)])
        try db.execute(sql: "DELETE FROM signatures WHERE writer_id = ? AND length > ?", arguments: [log.id, Int64(bitPattern: target)])
        try db.execute(sql: "DELETE FROM membership_ops WHERE source_writer = ? AND source_idx >= ?", arguments: [log.id, Int64(bitPattern: target)])
        let roots = try LogStore.roots(db, writerID: log.id, length: target)
        let head = try LogStore.signedTrees(db, writerID: log.id, lengths: target...target).first
        try db.execute(sql: "UPDATE writers SET length = ?, roots = ?, tree_hash = ?, signature = ? WHERE id = ?",
                       arguments: [Int64(bitPattern: target), Data(roots.encoded), head.map { Data($0.treeHash) },
                                   head.map { Data($0.signature) }, log.id])
    }
}
