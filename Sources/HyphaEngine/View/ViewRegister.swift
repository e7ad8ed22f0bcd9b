import Foundation
import GRDB

/// The multi-value register of one key in `view_heads`, and its summary row in `view_entries`.
enum ViewRegister {
    struct Head {
        var writerID: Int64
        var index: UInt64
        var tombstone: Bool
        var timestamp: UInt64
    }

    /// Adds the operation (writer, index) whose clock is `clock` (other logs' components; every
    /// earlier entry of its own log is implicitly followed): the heads it follows go.
    static func apply(_ db: Database, key: String, writerID: Int64, index: UInt64, tombstone: Bool, timestamp: UInt64,
                      clock: VectorClock, keys: [Int64: PublicKey]) throws {
        let existing = try heads(db, key: key)
        let follows = { (head: Head) in head.writerID == writerID ? head.index < index : clock.covers(writer: head.writerID, index: head.index) }
        let remaining = existing.filter { !follows($0) }
        if remaining.count != existing.count {
            if remaining.isEmpty {
                try db.cachedStatement(sql: "DELETE FROM view_heads WHERE key = ?").execute(arguments: [key])
            } else {
                let delete = try db.cachedStatement(sql: "DELETE FROM view_heads WHERE key = ? AND writer_id = ? AND idx = ?")
                for head in existing where follows(head) {
                    try delete.execute(arguments: [key, head.writerID, Int64(bitPattern: head.index)])
                }
            }
        }
        let new = Head(writerID: writerID, index: index, tombstone: tombstone, timestamp: timestamp)
        try insert(db, key: key, new)
        if remaining.isEmpty {
            try writeSummary(db, key: key, heads: 1, live: tombstone ? 0 : 1, winner: new)
        } else {
            try summarise(db, key: key, heads: remaining + [new], keys: keys)
        }
    }

    /// Fast path for an operation known to follow every head of `key` (a local write).
    static func replaceAll(_ db: Database, key: String, writerID: Int64, index: UInt64, tombstone: Bool, timestamp: UInt64) throws {
        try db.cachedStatement(sql: "DELETE FROM view_heads WHERE key = ?").execute(arguments: [key])
        let head = Head(writerID: writerID, index: index, tombstone: tombstone, timestamp: timestamp)
        try insert(db, key: key, head)
        try writeSummary(db, key: key, heads: 1, live: tombstone ? 0 : 1, winner: head)
    }

    static func heads(_ db: Database, key: String) throws -> [Head] {
        let statement = try db.cachedStatement(sql: "SELECT writer_id, idx, tombstone, ts FROM view_heads WHERE key = ?")
        return try Row.fetchAll(statement, arguments: [key]).map {
            Head(writerID: $0[0], index: UInt64(bitPattern: $0[1]), tombstone: $0[2], timestamp: UInt64(bitPattern: $0[3]))
        }
    }

    private static func insert(_ db: Database, key: String, _ head: Head) throws {
        try db.cachedStatement(sql: "INSERT OR REPLACE INTO view_heads (key, writer_id, idx, tombstone, ts) VALUES (?, ?, ?, ?, ?)")
            .execute(arguments: [key, head.writerID, Int64(bitPattern: head.index), head.tombstone, Int64(bitPattern: head.timestamp)])
    }

    private static func summarise(_ db: Database, key: String, heads: [Head], keys: [Int64: PublicKey]) throws {
        let live = heads.filter { !$0.tombstone }
        let winner = displayWinner(live.isEmpty ? heads : live) { keys[$0] }
        try writeSummary(db, key: key, heads: heads.count, live: live.count, winner: winner)
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

    private static func writeSummary(_ db: Database, key: String, heads: Int, live: Int, winner: Head) throws {
        try db.cachedStatement(sql: """
            INSERT OR REPLACE INTO view_entries (key, heads, live, winner_writer, winner_idx, winner_tombstone, ts)
            VALUES (?, ?, ?, ?, ?, ?, ?)
            """).execute(arguments: [key, heads, live, winner.writerID, Int64(bitPattern: winner.index),
                                     winner.tombstone, Int64(bitPattern: winner.timestamp)])
    }
}
