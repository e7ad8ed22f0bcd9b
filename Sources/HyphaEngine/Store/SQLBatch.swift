import GRDB
import GRDBSQLite

/// Multi-row statements with values bound straight onto GRDB's prepared statements: bulk writes
/// (blocks of a chunk, view rows of a batch) in a few statements instead of one per row, without
/// building `StatementArguments` (its per-value conversions dominated sync time).
enum SQLBatch {
    static let rowsPerStatement = 100

    /// Binds one row's values from column index `first` (1-based) on.
    typealias Binder<Row> = (_ statement: OpaquePointer, _ first: Int32, _ row: Row) -> Void

    /// `VERB INTO table VALUES (…), (…)…` for `rows`, 100 rows per statement.
    static func insert<Row>(_ db: Database, into table: String, verb: String = "INSERT", columns: Int, rows: [Row],
                            bind: Binder<Row>) throws {
        let tuple = "(" + Array(repeating: "?", count: columns).joined(separator: ", ") + ")"
        var at = 0
        while at < rows.count {
            let count = min(rowsPerStatement, rows.count - at)
            let statement = try db.cachedStatement(sql: "\(verb) INTO \(table) VALUES " + Array(repeating: tuple, count: count).joined(separator: ", "))
            let raw = statement.sqliteStatement
            sqlite3_reset(raw)
            sqlite3_clear_bindings(raw)
            for n in 0..<count { bind(raw, Int32(n * columns + 1), rows[at + n]) }
            let rc = sqlite3_step(raw)
            sqlite3_reset(raw)
            guard rc == SQLITE_DONE else {
                throw DatabaseError(resultCode: ResultCode(rawValue: rc), message: String(cString: sqlite3_errmsg(db.sqliteConnection)))
            }
            at += count
        }
    }

    static func bind(_ statement: OpaquePointer, _ index: Int32, _ value: Int64) {
        sqlite3_bind_int64(statement, index, value)
    }

    static func bind(_ statement: OpaquePointer, _ index: Int32, _ value: String) {
        var value = value
        value.withUTF8 { text in
            _ = text.withMemoryRebound(to: CChar.self) { sqlite3_bind_text(statement, index, $0.baseAddress, Int32(text.count), transient) }
        }
    }

    static func bind(_ statement: OpaquePointer, _ index: Int32, blob: [UInt8]) {
        blob.withUnsafeBytes { _ = sqlite3_bind_blob(statement, index, $0.baseAddress, Int32($0.count), transient) }
    }

    /// SQLITE_TRANSIENT (a macro Swift cannot import): SQLite copies the bytes.
    private static let transient = unsafeBitCast(-1, to: sqlite3_destructor_type.self)

    static func placeholders(_ count: Int) -> String { Array(repeating: "?", count: count).joined(separator: ", ") }

    static func inChunks<T>(_ items: [T], size: Int, _ body: (ArraySlice<T>) throws -> Void) rethrows {
        var start = 0
        while start < items.count {
            try body(items[start..<min(items.count, start + size)])
            start += size
        }
    }
}
