import Foundation
import GRDB

/// The multi-value register of one key: its summary row in `view_entries` and, only while the key
/// is in conflict (several heads), one row per head in `view_heads`.
enum ViewRegister {
    struct Head {
        var writerID: Int64
        var index: UInt64
        var tombstone: Bool
        var timestamp: UInt64
    }

    /// The heads of `key`: the summary row's winner when it has one head, the `view_heads`
    /// rows when it has several (only conflicts have rows there).
    static func heads(_ db: Database, key: String) throws -> [Head] {
        let summary = try Row.fetchOne(db.cachedStatement(sql: """
            SELECT heads, winner_writer, winner_idx, winner_tombstone, ts FROM view_entries WHERE key = ?
            """), arguments: [key])
        guard let summary else { return [] }
        if (summary[0] as Int) == 1 {
            return [Head(writerID: summary[1], index: UInt64(bitPattern: summary[2]), tombstone: summary[3],
                         timestamp: UInt64(bitPattern: summary[4]))]
        }
        let statement = try db.cachedStatement(sql: "SELECT writer_id, idx, tombstone, ts FROM view_heads WHERE key = ?")
        return try Row.fetchAll(statement, arguments: [key]).map {
            Head(writerID: $0[0], index: UInt64(bitPattern: $0[1]), tombstone: $0[2], timestamp: UInt64(bitPattern: $0[3]))
        }
    }

    /// Every operation ever applied to `key`: its `view_history` rows, or, for a key that has had
    /// a single operation (which has no row there), the summary row's head.
    static func history(_ db: Database, key: String) throws -> [Head] {
        let statement = try db.cachedStatement(sql: "SELECT writer_id, idx, tombstone, ts FROM view_history WHERE key = ?")
        let recorded = try Row.fetchAll(statement, arguments: [key]).map {
            Head(writerID: $0[0], index: UInt64(bitPattern: $0[1]), tombstone: $0[2], timestamp: UInt64(bitPattern: $0[3]))
        }
        return recorded.isEmpty ? try heads(db, key: key) : recorded
    }

    /// The deterministic one-line winner: newest timestamp, then writer key, then index.
    /// Live values are preferred to deletions so a conflicting edit is never hidden.
    static func displayWinner(_ heads: [Head], keys: (Int64) -> PublicKey?) -> Head {
        heads.max { a, b in
            if a.timestamp != b.timestamp { return a.timestamp < b.timestamp }
            let ka = keys(a.writerID)?.bytes ?? [], kb = keys(b.writerID)?.bytes ?? []
            if ka != kb { return ka.lexicographicallyPrecedes(kb) }
            return a.index < b.index
        }!
    }
}
