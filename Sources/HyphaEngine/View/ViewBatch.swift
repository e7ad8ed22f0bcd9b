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
        /// Entry format 2: exactly the versions it replaces (those in its causal past count).
        /// nil (format 1): every version of its key in its causal past.
        var replaces: [Position]? = nil
        /// A local format-1 write: it follows every head of its key.
        var followsEverything = false
    }

    struct Position: Hashable {
        var writerID: Int64
        var index: UInt64
    }

    private var registers: [String: [ViewRegister.Head]] = [:]
    /// Keys that had (or, for local writes, may have had) rows in `view_heads` before this
    /// batch: those rows are deleted on flush.
    private var inConflict: Set<String> = []
    private var dirty: [String] = []
    private var dirtySet: Set<String> = []
    /// Keys that had a summary row before this batch, and those among them with one head (which
    /// may be the key's only operation so far, with no history row yet).
    private var known: Set<String> = []
    private var singleHeads: [String: ViewRegister.Head] = [:]

    /// Applies `operations` in order and writes the result.
    static func apply(_ operations: [Operation], _ db: Database, keys: [Int64: PublicKey]) throws -> Int {
        guard !operations.isEmpty else { return 0 }
        var batch = ViewBatch()
        batch.registers.reserveCapacity(operations.count)
        let loaded = Set(operations.lazy.filter { !$0.followsEverything }.map(\.key))
        try batch.load(loaded, db)
        try batch.loadPrior(Set(operations.lazy.filter(\.followsEverything).map(\.key)).subtracting(loaded), db)
        for operation in operations { batch.apply(operation) }
        try batch.flush(db, keys: keys)
        try batch.recordHistory(operations, db)
        return operations.count
    }

    /// Reads the registers of `keys`: a single head is the summary row itself; only keys in
    /// conflict have rows in `view_heads`.
    private mutating func load(_ keys: Set<String>, _ db: Database) throws {
        var conflicted: [String] = []
        for summary in try readSummaries(keys, db) {
            if summary.heads > 1 {
                conflicted.append(summary.key)
                inConflict.insert(summary.key)
            } else {
                registers[summary.key] = [summary.winner]
            }
        }
        try SQLBatch.inChunks(conflicted, size: 500) { slice in
            let sql = "SELECT key, writer_id, idx, tombstone, ts FROM view_heads WHERE key IN (\(SQLBatch.placeholders(slice.count)))"
            let cursor = try Row.fetchCursor(db.cachedStatement(sql: sql), arguments: StatementArguments(Array(slice)))
            while let row = try cursor.next() {
                registers[row[0] as String, default: []].append(ViewRegister.Head(writerID: row[1], index: UInt64(bitPattern: row[2]),
                                                                                   tombstone: row[3], timestamp: UInt64(bitPattern: row[4])))
            }
        }
    }

    /// What the history needs of keys written locally without loading their registers: whether
    /// they had a summary row, and its head when it had one.
    private mutating func loadPrior(_ keys: Set<String>, _ db: Database) throws {
        _ = try readSummaries(keys, db)
    }

    /// The summary rows of `keys` (head count and display winner), noting which keys had one
    /// and, for those with a single head, that head.
    private mutating func readSummaries(_ keys: Set<String>, _ db: Database) throws -> [(key: String, heads: Int, winner: ViewRegister.Head)] {
        var summaries: [(key: String, heads: Int, winner: ViewRegister.Head)] = []
        try SQLBatch.inChunks(Array(keys), size: 500) { slice in
            let sql = "SELECT key, heads, winner_writer, winner_idx, winner_tombstone, ts FROM view_entries WHERE key IN (\(SQLBatch.placeholders(slice.count)))"
            let cursor = try Row.fetchCursor(db.cachedStatement(sql: sql), arguments: StatementArguments(Array(slice)))
            while let row = try cursor.next() {
                let key: String = row[0], heads: Int = row[1]
                let winner = ViewRegister.Head(writerID: row[2], index: UInt64(bitPattern: row[3]), tombstone: row[4],
                                               timestamp: UInt64(bitPattern: row[5]))
                known.insert(key)
                if heads == 1 { singleHeads[key] = winner }
                summaries.append((key, heads, winner))
            }
        }
        return summaries
    }

    private mutating func apply(_ operation: Operation) {
        let new = ViewRegister.Head(writerID: operation.writerID, index: operation.index,
                                    tombstone: operation.tombstone, timestamp: operation.timestamp)
        if operation.followsEverything {
            registers[operation.key] = [new]
            inConflict.insert(operation.key)   // not loaded: whatever is there goes
        } else {
            var heads = registers[operation.key] ?? []
            let inPast = { (head: ViewRegister.Head) -> Bool in
                head.writerID == operation.writerID ? head.index < operation.index
                    : operation.clock.covers(writer: head.writerID, index: head.index)
            }
            if let replaces = operation.replaces {
                let named = Set(replaces)
                heads.removeAll { named.contains(Position(writerID: $0.writerID, index: $0.index)) && inPast($0) }
            } else {
                heads.removeAll(where: inPast)
            }
            heads.append(new)
            registers[operation.key] = heads
        }
        if dirtySet.insert(operation.key).inserted { dirty.append(operation.key) }
    }

    /// Keeps the applied operations in `view_history` (what `hypha history` and the app's
    /// history view show), except the only operation of a key that has had one: its summary row
    /// describes it (as it describes a single head), which spares a row per key in the common
    /// case of keys written once. When a second operation arrives, the first is recorded too (a
    /// key known with one head may have had only that operation; if it had more, that head is
    /// recorded already and the insert is ignored).
    private func recordHistory(_ operations: [Operation], _ db: Database) throws {
        var perKey: [String: Int] = [:]
        for operation in operations { perKey[operation.key, default: 0] += 1 }
        var rows: [(key: String, head: ViewRegister.Head)] = []
        var earlierAdded: Set<String> = []
        for operation in operations {
            let key = operation.key
            if !known.contains(key) && perKey[key] == 1 { continue }
            if let earlier = singleHeads[key], earlierAdded.insert(key).inserted { rows.append((key, earlier)) }
            rows.append((key, ViewRegister.Head(writerID: operation.writerID, index: operation.index,
                                                tombstone: operation.tombstone, timestamp: operation.timestamp)))
        }
        try SQLBatch.insert(db, into: "view_history (key, writer_id, idx, tombstone, ts)", verb: "INSERT OR IGNORE", columns: 5,
                            rows: rows) { statement, c, row in
            SQLBatch.bind(statement, c, row.key)
            SQLBatch.bind(statement, c + 1, row.head.writerID)
            SQLBatch.bind(statement, c + 2, Int64(bitPattern: row.head.index))
            SQLBatch.bind(statement, c + 3, row.head.tombstone ? 1 : 0)
            SQLBatch.bind(statement, c + 4, Int64(bitPattern: row.head.timestamp))
        }
    }

    /// Writes every touched register: its summary row, and its heads in `view_heads` only
    /// when there are several.
    private func flush(_ db: Database, keys: [Int64: PublicKey]) throws {
        let stale = dirty.filter { inConflict.contains($0) }
        try SQLBatch.inChunks(stale, size: 500) { slice in
            try db.cachedStatement(sql: "DELETE FROM view_heads WHERE key IN (\(SQLBatch.placeholders(slice.count)))")
                .execute(arguments: StatementArguments(Array(slice)))
        }
        var heads: [(key: String, head: ViewRegister.Head)] = []
        var summaries: [(key: String, heads: Int, live: Int, winner: ViewRegister.Head)] = []
        summaries.reserveCapacity(dirty.count)
        for key in dirty {
            let register = registers[key] ?? []
            if register.count > 1 { heads += register.map { (key, $0) } }
            let live = register.filter { !$0.tombstone }
            let winner = ViewRegister.displayWinner(live.isEmpty ? register : live) { keys[$0] }
            summaries.append((key, register.count, live.count, winner))
        }
        try SQLBatch.insert(db, into: "view_heads (key, writer_id, idx, tombstone, ts)", columns: 5, rows: heads) { statement, c, row in
            SQLBatch.bind(statement, c, row.key)
            SQLBatch.bind(statement, c + 1, row.head.writerID)
            SQLBatch.bind(statement, c + 2, Int64(bitPattern: row.head.index))
            SQLBatch.bind(statement, c + 3, row.head.tombstone ? 1 : 0)
            SQLBatch.bind(statement, c + 4, Int64(bitPattern: row.head.timestamp))
        }
        try SQLBatch.insert(db, into: "view_entries (key, heads, live, winner_writer, winner_idx, winner_tombstone, ts)",
                            verb: "INSERT OR REPLACE", columns: 7, rows: summaries) { statement, c, row in
            SQLBatch.bind(statement, c, row.key)
            SQLBatch.bind(statement, c + 1, Int64(row.heads))
            SQLBatch.bind(statement, c + 2, Int64(row.live))
            SQLBatch.bind(statement, c + 3, row.winner.writerID)
            SQLBatch.bind(statement, c + 4, Int64(bitPattern: row.winner.index))
            SQLBatch.bind(statement, c + 5, row.winner.tombstone ? 1 : 0)
            SQLBatch.bind(statement, c + 6, Int64(bitPattern: row.winner.timestamp))
        }
    }
}
