import Foundation
import GRDB

/// Applies stored blocks to the materialised view, inside the caller's write transaction.
///
/// The view is a pure function of the set of valid blocks: each log is applied in order; a data
/// entry waits until every log it depends on has been applied up to the dependency (clamped to a
/// removed writer's accepted length); its full vector clock is its writer's running clock merged
/// with the clocks of its dependencies, so "follows" is transitive; a key's heads are the
/// operations on it that no other operation on it follows (a multi-value register). Because a
/// new operation's dependencies are applied before it, it can never be followed by an existing
/// head, so replacing the heads it follows is exact whatever the arrival order.
struct ViewApplier {
    enum Outcome: Equatable {
        case applied(Int)
        /// A log's accepted length dropped below what was applied (revocation, fork, tampering):
        /// the view must be rebuilt from the blocks.
        case needsRebuild
    }

    private struct LogState {
        var key: PublicKey
        var stored: UInt64
        var accepted: UInt64
        var applied: UInt64
        var clock: VectorClock
        var dirty = false
    }

    private let db: Database
    private let database: DatabaseID
    private let dataKey: SecureBytes
    let membership: MembershipState
    private var logs: [Int64: LogState] = [:]
    private var ids: [PublicKey: Int64] = [:]
    private var appliedCount = 0

    init(_ db: Database, database: DatabaseID, dataKey: SecureBytes) throws {
        self.db = db
        self.database = database
        self.dataKey = dataKey
        membership = try MembershipState.load(db)
        let caps = try LogQuarantine.caps(db)
        let forks = try ForkRecords.firstForkIndex(db)
        var states: [Int64: (UInt64, VectorClock)] = [:]
        for row in try Row.fetchAll(db, sql: "SELECT writer_id, applied, clock FROM view_state") {
            states[row["writer_id"]] = (UInt64(bitPattern: row["applied"]), try VectorClock(encoded: [UInt8](row["clock"] as Data)))
        }
        for row in try Row.fetchAll(db, sql: "SELECT id, key, length FROM writers") {
            let id: Int64 = row["id"]
            guard let key = PublicKey(bytes: [UInt8](row["key"] as Data)) else { continue }
            let stored = UInt64(bitPattern: row["length"])
            var accepted = try membership.acceptedLength(of: key, storedLength: stored, forkedAt: forks[id]) { index in
                try LogStore.block(db, writerID: id, index: index).map { Blake2b.hash($0) }
            }
            if let cap = caps[id] { accepted = min(accepted, cap) }
            let (applied, clock) = states[id] ?? (0, VectorClock())
            logs[id] = LogState(key: key, stored: stored, accepted: accepted, applied: applied, clock: clock)
            ids[key] = id
        }
    }

    /// Applies every block that is ready, until nothing more is.
    mutating func run() throws -> Outcome {
        if logs.values.contains(where: { $0.applied > $0.accepted }) { return .needsRebuild }
        var progress = true
        while progress {
            progress = false
            for id in logs.keys.sorted() {
                while let state = logs[id], state.applied < min(state.stored, state.accepted) {
                    let end = min(state.stored, state.accepted, state.applied + 512)
                    let blocks = try LogStore.blocks(db, writerID: id, range: state.applied..<end)
                    var advanced = 0
                    for (offset, block) in blocks.enumerated() {
                        guard try apply(writerID: id, index: state.applied + UInt64(offset), block: block) else { break }
                        advanced += 1
                    }
                    if advanced == 0 { break }
                    progress = true
                    if advanced < blocks.count { break }
                }
            }
        }
        try saveStates()
        return .applied(appliedCount)
    }

    /// The dependencies a new entry of `writerID` records: every log whose applied length is
    /// ahead of what that writer's previous entry had seen (delta-encoded view heads).
    func dependencies(of writerID: Int64) -> [DataOperation.Dependency] {
        guard let own = logs[writerID] else { return [] }
        return logs.filter { $0.key != writerID && $0.value.applied > own.clock[$0.key] && membership.status(of: $0.value.key) != .unknown }
            .sorted { $0.key < $1.key }
            .map { DataOperation.Dependency(writer: $0.value.key, length: $0.value.applied) }
    }

    /// Whether every stored, accepted block of `writerID` has been applied.
    func isCaughtUp(_ writerID: Int64) -> Bool {
        guard let state = logs[writerID] else { return true }
        return state.applied >= min(state.stored, state.accepted)
    }

    /// Tells the applier that `count` blocks were just appended to a log.
    mutating func noteAppended(writerID: Int64, key: PublicKey, newLength: UInt64) {
        if logs[writerID] == nil {
            logs[writerID] = LogState(key: key, stored: 0, accepted: membership.acceptedLength(of: key, storedLength: 0, forkedAt: nil) { _ in nil },
                                      applied: 0, clock: VectorClock())
            ids[key] = writerID
        }
        logs[writerID]?.stored = newLength
    }

    /// Applies this node's own freshly appended data operations without re-reading or
    /// decrypting them. Their dependencies are the whole current view, so they follow every
    /// existing head of their keys.
    mutating func applyLocal(writerID: Int64, start: UInt64, operations: [LocalOperation], dependencies: [DataOperation.Dependency]) throws {
        guard var state = logs[writerID], state.applied == start, start + UInt64(operations.count) <= state.stored else {
            _ = try run()   // not the fast case: apply from the stored blocks instead
            return
        }
        var clock = state.clock
        for dep in dependencies where dep.length > 0 {
            guard let x = ids[dep.writer] else { continue }
            clock.merge(try clockAt(writerID: x, index: dep.length - 1))
            clock[x] = max(clock[x], dep.length)
        }
        if !dependencies.isEmpty { clock[writerID] = start + 1; try saveCheckpoint(writerID: writerID, index: start, clock: clock) }
        for (offset, op) in operations.enumerated() {
            let index = start + UInt64(offset)
            if let op = op.data {
                try ViewRegister.replaceAll(db, key: op.key, writerID: writerID, writerKey: state.key, index: index,
                                            tombstone: op.value == nil, timestamp: op.timestamp)
                appliedCount += 1
            }
        }
        clock[writerID] = start + UInt64(operations.count)
        state.clock = clock
        state.applied = start + UInt64(operations.count)
        state.dirty = true
        logs[writerID] = state
        try saveStates()
    }

    /// Applies one block if its dependencies are satisfied; false when it must wait.
    private mutating func apply(writerID: Int64, index: UInt64, block: [UInt8]) throws -> Bool {
        guard var state = logs[writerID] else { return false }
        let entry: Entry
        do {
            entry = try Entry.decode(block)
        } catch {
            try ViewInvalid.record(db, writerID: writerID, index: index, reason: "\(error)")
            return advance(writerID, &state)
        }
        guard case let .data(op) = entry else { return advance(writerID, &state) }   // membership: indexed on arrival

        // Readiness and the entry's full vector clock.
        var clock = state.clock
        var changed = false
        for dep in op.dependencies where dep.writer != state.key {
            guard let x = ids[dep.writer], let other = logs[x], membership.status(of: dep.writer) != .unknown else { return false }
            let needed = min(dep.length, other.accepted)
            guard other.applied >= needed else { return false }
            if needed > clock[x] {
                clock.merge(try clockAt(writerID: x, index: needed - 1))
                clock[x] = max(clock[x], needed)
                changed = true
            }
        }
        clock[writerID] = index + 1
        if changed { try saveCheckpoint(writerID: writerID, index: index, clock: clock) }
        state.clock = clock

        guard let payload = op.open(database: database, writer: state.key, dataKey: dataKey) else {
            try ViewInvalid.record(db, writerID: writerID, index: index, reason: EntryError.undecryptable.description)
            return advance(writerID, &state)
        }
        try ViewRegister.apply(db, key: payload.key, writerID: writerID, writerKey: state.key, index: index,
                               tombstone: payload.value == nil, timestamp: op.timestamp, clock: clock, keys: keyOf)
        appliedCount += 1
        return advance(writerID, &state)
    }

    private mutating func advance(_ writerID: Int64, _ state: inout LogState) -> Bool {
        state.applied += 1
        state.dirty = true
        logs[writerID] = state
        return true
    }

    private func keyOf(_ writerID: Int64) -> PublicKey? { logs[writerID]?.key }

    /// The full clock of entry `index` of a log: its latest checkpoint at or before it.
    private func clockAt(writerID: Int64, index: UInt64) throws -> VectorClock {
        if let state = logs[writerID], state.applied == index + 1 { return state.clock }
        var clock = VectorClock()
        if let row = try Row.fetchOne(db, sql: """
            SELECT clock FROM view_clocks WHERE writer_id = ? AND idx <= ? ORDER BY idx DESC LIMIT 1
            """, arguments: [writerID, Int64(bitPattern: index)]) {
            clock = try VectorClock(encoded: [UInt8](row["clock"] as Data))
        }
        clock[writerID] = index + 1
        return clock
    }

    private func saveCheckpoint(writerID: Int64, index: UInt64, clock: VectorClock) throws {
        try db.execute(sql: "INSERT OR REPLACE INTO view_clocks (writer_id, idx, clock) VALUES (?, ?, ?)",
                       arguments: [writerID, Int64(bitPattern: index), Data(clock.encoded)])
    }

    private mutating func saveStates() throws {
        for (id, state) in logs where state.dirty {
            try db.execute(sql: "INSERT OR REPLACE INTO view_state (writer_id, applied, clock) VALUES (?, ?, ?)",
                           arguments: [id, Int64(bitPattern: state.applied), Data(state.clock.encoded)])
            logs[id]?.dirty = false
        }
    }
}

/// A data operation this node has just written, known in clear.
struct LocalOperation {
    struct Data {
        var key: String
        var value: [UInt8]?
        var timestamp: UInt64
    }
    /// nil for membership operations appended in the same batch.
    var data: Data?
}
