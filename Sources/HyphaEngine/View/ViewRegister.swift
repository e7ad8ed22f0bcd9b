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

    static func heads(_ db: Database, key: String) throws -> [Head] {
        let statement = try db.cachedStatement(sql: "SELECT writer_id, idx, tombstone, ts FROM view_heads WHERE key = ?")
        return try Row.fetchAll(statement, arguments: [key]).map {
            Head(writerID: $0[0], index: UInt64(bitPattern: $0[1]), tombstone: $0[2], timestamp: UInt64(bitPattern: $0[3]))
        }
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
