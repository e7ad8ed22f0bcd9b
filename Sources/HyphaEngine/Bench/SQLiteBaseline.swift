import Foundation
import GRDB

/// The yardstick of `hypha bench sync`: how long SQLite itself takes to insert rows into a
/// keyed table in one transaction, measured in the same run as the sync.
public enum SQLiteBaseline {
    /// Seconds to insert `rows` (key, value) into a new table of the SQLite file at `path`.
    public static func insertSeconds(path: String, rows: [(key: String, value: [UInt8])]) throws -> Double {
        let queue = try DatabaseQueue(path: path)
        try queue.write { db in try db.execute(sql: "CREATE TABLE entries (key TEXT PRIMARY KEY, value BLOB NOT NULL)") }
        let start = DispatchTime.now().uptimeNanoseconds
        try queue.write { db in
            let insert = try db.makeStatement(sql: "INSERT INTO entries (key, value) VALUES (?, ?)")
            for row in rows { try insert.execute(arguments: [row.key, Data(row.value)]) }
        }
        return Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
    }
}
