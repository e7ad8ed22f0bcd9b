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

    /// A class so that the per-entry bookkeeping mutates in place (no copy of the clock).
    private final class LogState {
        let key: PublicKey
        var stored: UInt64
        var accepted: UInt64
        var applied: UInt64
        /// The clock of the last applied entry, without this log's own component (which is
        /// always `applied`).
        var clock: VectorClock
        var dirty = false
        /// The payload's associated data for puts and deletes of this log, computed once.
        var associatedData: [AssociatedDataKey: [UInt8]] = [:]

        init(key: PublicKey, stored: UInt64, accepted: UInt64, applied: UInt64, clock: VectorClock) {
            self.key = key
            self.stored = stored
            self.accepted = accepted
            self.applied = applied
            self.clock = clock
        }
    }

    private struct AssociatedDataKey: Hashable {
        var version: UInt8
        var kind: EntryKind
    }

    private let db: Database
    private let database: DatabaseID
    private let dataKey: SecureBytes
    let membership: MembershipState
    private var logs: [Int64: LogState] = [:]
    private var ids: [PublicKey: Int64] = [:]
    /// Writer row id → key, for the display winner's tie-break.
    private var keys: [Int64: PublicKey] = [:]
    /// Blocks the caller already holds (just verified and stored), so they are not read back.
    private var preloaded: (writerID: Int64, start: UInt64, blocks: [[UInt8]])?
    private var appliedCount = 0
    /// Keys whose registers changed, in order of first change.
    private(set) var changedKeys: [String] = []
    /// Every log's accepted length now, and whether one grew since the view was last applied.
    private var acceptedByKey: [PublicKey: UInt64] = [:]
    private var acceptedGrew = false

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
            var accepted = try membership.acceptedLength(db, of: key, forkedAt: forks[id])
            if let cap = caps[id] { accepted = min(accepted, cap) }
            if membership.status(of: key) != .unknown { acceptedByKey[key] = accepted }
            let (applied, clock) = states[id] ?? (0, VectorClock())
            logs[id] = LogState(key: key, stored: stored, accepted: accepted, applied: applied, clock: clock)
            ids[key] = id
            keys[id] = key
        }
        acceptedGrew = try Self.acceptedChanges(db, membership: membership, known: &acceptedByKey)
    }

    /// The accepted length of every log membership knows (writers nobody added count nothing
    /// and are left out), and whether one of them grew since the view was last applied. Only a
    /// growth matters: entries that depended on that log were applied with its old length
    /// (an entry that depends on a writer nobody added waits, unclamped, so a writer added later
    /// changes nothing already applied).
    private static func acceptedChanges(_ db: Database, membership: MembershipState, known: inout [PublicKey: UInt64]) throws -> Bool {
        for key in Set(membership.additions.keys).union(membership.removals.keys) where known[key] == nil {
            known[key] = try membership.acceptedLength(db, of: key, forkedAt: nil)
        }
        guard let data = try Data.fetchOne(db, sql: "SELECT lengths FROM view_accepted WHERE id = 1") else { return false }
        let bytes = [UInt8](data)
        var grew = false
        var offset = 0
        while offset + 40 <= bytes.count {
            if let key = PublicKey(bytes: Array(bytes[offset..<offset + 32])) {
                let previous = bytes[offset + 32..<offset + 40].reversed().reduce(UInt64(0)) { $0 << 8 | UInt64($1) }
                if let now = known[key], now > previous { grew = true }
            }
            offset += 40
        }
        return grew
    }

    private func saveAccepted() throws {
        var w = BinaryWriter(capacity: acceptedByKey.count * 40)
        for (key, length) in acceptedByKey.sorted(by: { $0.key < $1.key }) {
            w.raw(key.bytes)
            w.u64(length)
        }
        let encoded = Data(w.bytes)
        // Unchanged (the common case): write nothing, so a catch-up with nothing to apply
        // changes no page (and works on a full disk).
        guard try Data.fetchOne(db, sql: "SELECT lengths FROM view_accepted WHERE id = 1") != encoded else { return }
        try db.execute(sql: "INSERT OR REPLACE INTO view_accepted (id, lengths) VALUES (1, ?)", arguments: [encoded])
    }

    /// Applies every block that is ready, until nothing more is. `preloaded` are blocks of one
    /// log the caller holds already (a chunk just stored), used instead of reading them back.
    mutating func run(preloaded: (writerID: Int64, start: UInt64, blocks: [[UInt8]])? = nil) throws -> Outcome {
        self.preloaded = preloaded
        if acceptedGrew || logs.values.contains(where: { $0.applied > min($0.accepted, $0.stored) }) { return .needsRebuild }
        var progress = true
        while progress {
            progress = false
            for id in logs.keys.sorted() {
                while let state = logs[id], state.applied < min(state.stored, state.accepted) {
                    let start = state.applied   // `state` is a reference: prepare() advances it
                    let end = min(state.stored, state.accepted, start + 512)
                    let blocks = try readBlocks(writerID: id, range: start..<end)
                    var advanced = 0
                    var operations: [ViewBatch.Operation] = []
                    for (offset, block) in blocks.enumerated() {
                        guard let prepared = try prepare(writerID: id, index: start + UInt64(offset), block: block) else { break }
                        if let operation = prepared { operations.append(operation) }
                        advanced += 1
                    }
                    appliedCount += try ViewBatch.apply(operations, db, keys: keys)
                    changedKeys += operations.map(\.key)
                    if advanced == 0 { break }
                    progress = true
                    if advanced < blocks.count { break }
                }
            }
        }
        try saveStates()
        try saveAccepted()
        return .applied(appliedCount)
    }

    /// The dependencies a new entry of `writerID` records: every log whose applied length is
    /// ahead of what that writer's previous entry had seen (delta-encoded view heads).
    func dependencies(of writerID: Int64) -> [DataOperation.Dependency] {
        guard let own = logs[writerID] else { return [] }
        return logs.filter { $0.key != writerID && $0.value.applied > own.clock[$0.key] && membership.status(of: $0.value.key) != .unknown }
            .sorted { $0.value.key < $1.value.key }   // writer key order: the same bytes on every node
            .map { DataOperation.Dependency(writer: $0.value.key, length: $0.value.applied) }
    }

    /// Tells the applier that `count` blocks were just appended to a log.
    mutating func noteAppended(writerID: Int64, key: PublicKey, newLength: UInt64) {
        if logs[writerID] == nil {
            logs[writerID] = LogState(key: key, stored: 0, accepted: membership.acceptedLength(of: key, forkedAt: nil) { _, _ in nil },
                                      applied: 0, clock: VectorClock())
            ids[key] = writerID
            keys[writerID] = key
        }
        logs[writerID]?.stored = newLength
    }

    /// Applies this node's own freshly appended data operations without re-reading or
    /// decrypting them. Their dependencies are the whole current view, so they follow every
    /// existing head of their keys.
    mutating func applyLocal(writerID: Int64, start: UInt64, operations: [LocalOperation], dependencies: [DataOperation.Dependency]) throws {
        guard let state = logs[writerID], state.applied == start, start + UInt64(operations.count) <= state.stored else {
            _ = try run()   // not the fast case: apply from the stored blocks instead
            return
        }
        if !dependencies.isEmpty {
            for dep in dependencies where dep.length > 0 {
                guard let x = ids[dep.writer] else { continue }
                state.clock.merge(try clockAt(writerID: x, index: dep.length - 1))
                state.clock[x] = max(state.clock[x], dep.length)
            }
            state.clock[writerID] = 0   // the own component is implicit
            var checkpoint = state.clock
            checkpoint[writerID] = start + 1
            try saveCheckpoint(writerID: writerID, index: start, clock: checkpoint)
        }
        let batch = operations.enumerated().compactMap { offset, op in
            op.data.map { ViewBatch.Operation(key: $0.key, writerID: writerID, index: start + UInt64(offset), tombstone: $0.value == nil,
                                             timestamp: $0.timestamp, clock: state.clock, replaces: $0.replaces.map(resolve),
                                             followsEverything: $0.replaces == nil) }
        }
        appliedCount += try ViewBatch.apply(batch, db, keys: keys)
        changedKeys += batch.map(\.key)
        state.applied = start + UInt64(operations.count)
        state.dirty = true
        try saveStates()
    }

    /// Prepares one block if its dependencies are satisfied (nil when it must wait): advances
    /// the log and returns the data operation to apply, if the block holds a valid one.
    private mutating func prepare(writerID: Int64, index: UInt64, block: [UInt8]) throws -> ViewBatch.Operation?? {
        guard let state = logs[writerID] else { return nil }
        let entry: Entry
        do {
            entry = try Entry.decode(block)
        } catch {
            try ViewInvalid.record(db, writerID: writerID, index: index, reason: "\(error)")
            advance(state)
            return .some(nil)
        }
        guard case let .data(op) = entry else { advance(state); return .some(nil) }   // membership: indexed on arrival

        // Readiness first (nothing changes until every dependency is met), then the clock.
        var needed: [(Int64, UInt64)] = []
        for dep in op.dependencies where dep.writer != state.key {
            guard membership.status(of: dep.writer) != .unknown else { return nil }
            guard let x = ids[dep.writer], let other = logs[x] else {
                // No block of that log is stored: only a removal cut off at 0 lets this wait end.
                let accepted = try membership.acceptedLength(db, of: dep.writer, forkedAt: nil)
                guard min(dep.length, accepted) == 0 else { return nil }
                continue
            }
            let length = min(dep.length, other.accepted)
            guard other.applied >= length else { return nil }
            if length > state.clock[x] { needed.append((x, length)) }
        }
        if !needed.isEmpty {
            for (x, length) in needed {
                state.clock.merge(try clockAt(writerID: x, index: length - 1))
                state.clock[x] = max(state.clock[x], length)
            }
            state.clock[writerID] = 0   // the own component is implicit
            var checkpoint = state.clock
            checkpoint[writerID] = index + 1
            try saveCheckpoint(writerID: writerID, index: index, clock: checkpoint)
        }
        advance(state)
        let adKey = AssociatedDataKey(version: op.version, kind: op.kind)
        let associatedData = state.associatedData[adKey] ?? {
            let data = DataOperation.associatedData(version: op.version, kind: op.kind, database: database, writer: state.key)
            state.associatedData[adKey] = data
            return data
        }()
        guard let payload = op.open(associatedData: associatedData, dataKey: dataKey) else {
            try ViewInvalid.record(db, writerID: writerID, index: index, reason: EntryError.undecryptable.description)
            return .some(nil)
        }
        return ViewBatch.Operation(key: payload.key, writerID: writerID, index: index, tombstone: payload.value == nil,
                                   timestamp: op.timestamp, clock: state.clock, replaces: payload.replaces.map(resolve))
    }

    /// Version ids as (writer row id, position); versions of writers not held here cannot be
    /// heads of any key, so they are left out.
    private func resolve(_ versions: [VersionID]) -> [ViewBatch.Position] {
        versions.compactMap { id in ids[id.writer].map { ViewBatch.Position(writerID: $0, index: id.index) } }
    }

    private func advance(_ state: LogState) {
        state.applied += 1
        state.dirty = true
    }

    private func readBlocks(writerID: Int64, range: Range<UInt64>) throws -> [[UInt8]] {
        if let preloaded, preloaded.writerID == writerID, range.lowerBound >= preloaded.start,
           range.upperBound <= preloaded.start + UInt64(preloaded.blocks.count) {
            return Array(preloaded.blocks[Int(range.lowerBound - preloaded.start)..<Int(range.upperBound - preloaded.start)])
        }
        return try LogStore.blocks(db, writerID: writerID, range: range)
    }

    /// The full clock of entry `index` of a log: its latest checkpoint at or before it.
    private func clockAt(writerID: Int64, index: UInt64) throws -> VectorClock {
        if let state = logs[writerID], state.applied == index + 1 {
            var clock = state.clock
            clock[writerID] = index + 1
            return clock
        }
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
            state.dirty = false
        }
    }
}

/// A data operation this node has just written, known in clear.
struct LocalOperation {
    struct Data {
        var key: String
        var value: [UInt8]?
        var timestamp: UInt64
        /// The versions it names as replaced (entry format 2); nil: everything it saw.
        var replaces: [VersionID]?
    }
    /// nil for membership operations appended in the same batch.
    var data: Data?
}
