import Foundation
import GRDB

/// The multi-value registers touched by one batch of operations, worked on in memory and
/// written back with a few multi-row statements (instead of several statements per entry).
/// Applying operations to a batch in order gives exactly what applying them one by one to the
/// tables would.
struct ViewBatch {
    /// One data operation ready to apply: its key, position, kind and the clock of other logs.
    struct Operation {
        var key: String
        var writerID: Int64
        var index: UInt64
        var tombstone: Bool
        var timestamp: UInt64
        var clock: VectorClock
        /// A local write: it follows every head of its key.
        var followsEverything = false
    }

    private var registers: [String: [ViewRegister.Head]] = [:]
    /// Keys that had (or, for local writes, may have had) heads in the tables before this
    /// batch: their rows are deleted on flush.
    private var stored: Set<String> = []
    private var dirty: [String] = []
    private var dirtySet: Set<String> = []

    /// Applies `operations` in order and writes the result.
    static func apply(_ operations: [Operation], _ db: Database, keys: [Int64: PublicKey]) throws -> Int {
        guard !operations.isEmpty else { return 0 }
        var batch = ViewBatch()
        try batch.load(Set(operations.lazy.filter { !$0.followsEverything }.map(\.key)), db)
        for operation in operations { batch.apply(operation) }
        try batch.flush(db, keys: keys)
        return operations.count
    }

    private mutating func load(_ keys: Set<String>, _ db: Database) throws {
        let all = Array(keys)
        for start in stride(from: 0, to: all.count, by: 500) {
            let slice = all[start..<min(all.count, start + 500)]
            let sql = "SELECT key, writer_id, idx, tombstone, ts FROM view_heads WHERE key IN (\(SQLBatch.placeholders(slice.count)))"
            let cursor = try Row.fetchCursor(db.cachedStatement(sql: sql), arguments: StatementArguments(Array(slice)))
            while let row = try cursor.next() {
                let key: String = row[0]
                registers[key, default: []].append(ViewRegister.Head(writerID: row[1], index: UInt64(bitPattern: row[2]),
                                                                     tombstone: row[3], timestamp: UInt64(bitPattern: row[4])))
                stored.insert(key)
            }
        }
    }

    private mutating func apply(_ operation: Operation) {
        let new = ViewRegister.Head(writerID: operation.writerID, index: operation.index,
                                    tombstone: operation.tombstone, timestamp: operation.timestamp)
        if operation.followsEverything {
            registers[operation.key] = [new]
            stored.insert(operation.key)   // not loaded: whatever is there goes
        } else {
            var heads = registers[operation.key] ?? []
            heads.removeAll { head in
                head.writerID == operation.writerID ? head.index < operation.index
                    : operation.clock.covers(writer: head.writerID, index: head.index)
            }
            heads.append(new)
            registers[operation.key] = heads
        }
        if dirtySet.insert(operation.key).inserted { dirty.append(operation.key) }
    }

    private func flush(_ db: Database, keys: [Int64: PublicKey]) throws {
        // Rows of keys that had heads before go first; the registers are then written whole.
        let stale = dirty.filter { stored.contains($0) }
        try SQLBatch.inChunks(stale, size: 500) { slice in
            try db.cachedStatement(sql: "DELETE FROM view_heads WHERE key IN (\(SQLBatch.placeholders(slice.count)))")
                .execute(arguments: StatementArguments(Array(slice)))
        }
        var heads: [DatabaseValueConvertible?] = []
        var summaries: [DatabaseValueConvertible?] = []
        for key in dirty {
            let register = registers[key] ?? []
            for head in register {
                heads += [key, head.writerID, Int64(bitPattern: head.index), head.tombstone, Int64(bitPattern: head.timestamp)]
            }
            let live = register.filter { !$0.tombstone }
            let winner = ViewRegister.displayWinner(live.isEmpty ? register : live) { keys[$0] }
            summaries += [key, register.count, live.count, winner.writerID, Int64(bitPattern: winner.index),
                          winner.tombstone, Int64(bitPattern: winner.timestamp)]
        }
        try SQLBatch.insertRows(db, table: "view_heads (key, writer_id, idx, tombstone, ts)", verb: "INSERT", columns: 5, values: heads)
        try SQLBatch.insertRows(db, table: "view_entries (key, heads, live, winner_writer, winner_idx, winner_tombstone, ts)",
                            verb: "INSERT OR REPLACE", columns: 7, values: summaries)
    }
}
