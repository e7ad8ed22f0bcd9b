import GRDB

/// Multi-row statements: SQLite work in a few statements instead of one per row (the per-
/// statement overhead dominates bulk writes).
enum SQLBatch {
    /// Multi-row inserts of 100 rows per statement.
    static func insertRows(_ db: Database, table: String, verb: String, columns: Int, values: [DatabaseValue]) throws {
        let rowsPerStatement = 100
        let row = "(" + Array(repeating: "?", count: columns).joined(separator: ", ") + ")"
        var at = 0
        while at < values.count {
            let rows = min(rowsPerStatement, (values.count - at) / columns)
            let sql = "\(verb) INTO \(table) VALUES " + Array(repeating: row, count: rows).joined(separator: ", ")
            try db.cachedStatement(sql: sql).execute(arguments: StatementArguments(Array(values[at..<(at + rows * columns)])))
            at += rows * columns
        }
    }

    static func placeholders(_ count: Int) -> String { Array(repeating: "?", count: count).joined(separator: ", ") }

    static func inChunks<T>(_ items: [T], size: Int, _ body: (ArraySlice<T>) throws -> Void) rethrows {
        var start = 0
        while start < items.count {
            try body(items[start..<min(items.count, start + size)])
            start += size
        }
    }
}
