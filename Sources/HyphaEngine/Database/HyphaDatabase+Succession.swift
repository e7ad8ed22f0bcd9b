import Foundation
import GRDB

/// What a node knows about its database's succession (a new passphrase).
public struct SuccessionStatus: Sendable, Equatable {
    public struct Candidate: Sendable, Equatable {
        public var successor: DatabaseID
        public var domain: String
        /// When and by which node it was made.
        public var day: String
        public var by: String
    }
    /// One candidate: the database moved; several: conflicting successions (a compromise signal).
    public var candidates: [Candidate]
    public var isConflicting: Bool { candidates.count > 1 }
}

/// Database succession (docs/PROTOCOL.md, "Succession"): the person changes the passphrase; a
/// successor database starts from this one's state; this one is frozen; other devices follow and
/// carry over what they wrote meanwhile.
extension HyphaDatabase {
    /// The successions this database knows (empty when it has not moved).
    public func successionStatus() throws -> SuccessionStatus {
        try writer.read { db in
            let membership = try MembershipState.load(db)
            var candidates: [SuccessionStatus.Candidate] = []
            for record in membership.successions where !candidates.contains(where: { $0.successor == record.succession.successor }) {
                candidates.append(.init(successor: record.succession.successor, domain: record.succession.domain,
                                        day: Self.day(record.createdAt), by: try writerName(db, key: record.carrier, membership: membership)))
            }
            return SuccessionStatus(candidates: candidates)
        }
    }

    /// The succession of this database to `successor`, when it has one.
    public func succession(to successor: DatabaseID) throws -> MembershipOperation.Succession? {
        try writer.read { db in
            try MembershipState.load(db).successions.first { $0.succession.successor == successor }?.succession
        }
    }

    /// The database this one succeeds (when it is a successor).
    public func predecessor() throws -> DatabaseID? {
        try writer.read { db in try MembershipState.load(db).predecessor }
    }

    /// Makes `successor` (an empty database, unlocked with the keys of the new passphrase) the
    /// successor of this one: its genesis names this database, this device writes there every
    /// live key with all its current versions (conflicts stay conflicts), and a succession signed
    /// by both roots, naming the point (every writer's length) the state was taken at, is
    /// appended here. From then on this database takes no new writes. `name` is this node's name.
    @discardableResult
    /// `progress(copied, of)` is called after each batch of copies is written.
    public func rekey(into successor: HyphaDatabase, name: String,
                      progress: (_ copied: Int, _ of: Int) -> Void = { _, _ in }) throws -> MembershipOperation.Succession {
        var made: MembershipOperation.Succession?
        try withUnlockedKeys { old in
            try successor.withUnlockedKeys { new in
                guard let oldDevice = old.device, let newDevice = new.device else { throw NodeError.notWritable }
                guard try successor.heads().isEmpty else { throw NodeError.invalidKey("the successor database is not empty") }
                try writer.write { db in
                    var applier = try ViewApplier(db, database: databaseID, dataKey: old.dataKey)
                    if case .needsRebuild = try applier.run() { _ = try rebuildView(db, dataKey: old.dataKey) }
                    let membership = try MembershipState.load(db)
                    if let frozen = try succession(db, membership: membership) { throw frozen }
                    guard membership.status(of: oldDevice.publicKey) == .authorised else { throw NodeError.notWritable }
                    let point = try Self.applied(db, membership: membership)
                    let state = try liveState(db, dataKey: old.dataKey)
                    try successor.append(membership: [
                        .make(.genesis(kdfVersion: 1, domain: new.domain), database: new.root, createdAt: now()),
                        .make(.predecessor(database: databaseID), database: new.root, createdAt: now()),
                        .make(.addWriter(writer: newDevice.publicKey, name: name, addedBy: newDevice.publicKey), database: new.root, createdAt: now()),
                    ])
                    let start = try successor.length(of: newDevice.publicKey)
                    var copied = 0
                    for batch in Self.batches(state) {
                        try successor.write(batch)
                        copied += batch.count
                        progress(copied, state.count)
                    }
                    let copies = start..<(try successor.length(of: newDevice.publicKey))
                    let record = MembershipOperation.Succession(successor: new.databaseID, domain: new.domain, point: point,
                                                                copier: newDevice.publicKey, copies: copies)
                    let op = MembershipOperation.makeSuccession(record, database: old.root, successor: new.root, createdAt: now())
                    _ = try appendOwn(db, identity: old, requireWriter: true) { _ in ([.membership(op)], [LocalOperation(data: nil)]) }
                    made = record
                }
            }
        }
        notify(DatabaseChange(heads: try heads(), viewChanged: false, membershipChanged: true))
        guard let made else { throw NodeError.nothingToWrite }
        return made
    }

    /// On another device: makes this device a writer of `successor` (unlocked with the new
    /// passphrase's keys, which prove it) and carries over what this device wrote here after the
    /// succession point, without having heard of it: each such write replaces, there, the copy
    /// of what it replaced here when that copy is still current; otherwise it stands as a
    /// conflict. Call once the successor holds the copies (after syncing with a peer). Returns
    /// how many writes were carried over.
    @discardableResult
    public func follow(into successor: HyphaDatabase, name: String) throws -> Int {
        let (device, succession) = try withUnlockedKeys { old -> (PublicKey, MembershipOperation.Succession) in
            guard let device = old.device?.publicKey else { throw NodeError.notWritable }
            guard let record = try self.succession(to: successor.databaseID) else {
                throw NodeError.invalidKey("this database has no succession to \(successor.databaseID.shortHex)…")
            }
            return (device, record)
        }
        try successor.withUnlockedKeys { new in
            guard let own = new.device?.publicKey else { throw NodeError.notWritable }
            if try successor.status(of: own) != .authorised { try successor.authorise(device: own, name: name) }
        }
        return try carryOver(from: device, succession: succession, into: successor)
    }

    private func carryOver(from device: PublicKey, succession: MembershipOperation.Succession, into successor: HyphaDatabase) throws -> Int {
        let late = try withUnlockedKeys { old in try lateWrites(of: device, succession: succession, dataKey: old.dataKey) }
        guard !late.isEmpty else { return 0 }
        guard let own = try successor.withUnlockedKeys({ $0.device?.publicKey }) else { throw NodeError.notWritable }
        var carried: [String: VersionID] = [:]     // the last carried version of each key
        var changes: [Change] = []
        // Writes carried by an earlier attempt that stopped before the node moved (they are the
        // first data entries of this device's log there, in the same order) are not written again.
        let done = try successor.dataPositions(of: own).filter { !(own == succession.copier && succession.copies.contains($0)) }
        for (write, index) in zip(late, done) { carried[write.key] = VersionID(writer: own, index: index) }
        var position = try successor.length(of: own)
        for write in late.dropFirst(done.count) {
            var replaces = carried[write.key].map { [$0] } ?? []
            if write.followsPoint, let current = try successor.entry(write.key) {
                replaces += current.versionIDs.filter { $0.writer == succession.copier && succession.copies.contains($0.index) }
            }
            changes.append(write.value.map { .put(key: write.key, value: $0, replaces: replaces) } ?? .delete(key: write.key, replaces: replaces))
            carried[write.key] = VersionID(writer: own, index: position)
            position += 1
        }
        for batch in Self.batches(changes) { try successor.write(batch) }
        return min(done.count, late.count) + changes.count
    }

    /// The positions of `writer`'s data entries stored here, in log order.
    func dataPositions(of writer: PublicKey) throws -> [UInt64] {
        try self.writer.read { db in
            guard let log = try LogStore.writer(db, key: writer) else { return [] }
            return try LogStore.blocks(db, writerID: log.id, range: 0..<log.length).enumerated().compactMap { index, block in
                guard case .data? = try? Entry.decode(block) else { return nil }
                return UInt64(index)
            }
        }
    }

    /// This device's data entries after the succession point, in log order, with whether each
    /// saw (followed) every version its key had at the point.
    private func lateWrites(of device: PublicKey, succession: MembershipOperation.Succession,
                            dataKey: SecureBytes) throws -> [(key: String, value: [UInt8]?, followsPoint: Bool)] {
        try writer.read { db in
            guard let log = try LogStore.writer(db, key: device) else { return [] }
            let point = Dictionary(succession.point.map { ($0.writer, $0.length) }) { a, _ in a }
            let ids = try writerKeys(db)
            let applied = try UInt64.fetchOne(db, sql: "SELECT applied FROM view_state WHERE writer_id = ?", arguments: [log.id]) ?? 0
            let start = point[device] ?? 0
            guard applied > start else { return [] }
            var pointHeads: [String: [ViewBatch.Position]] = [:]
            var writes: [(key: String, value: [UInt8]?, followsPoint: Bool)] = []
            for (offset, block) in try LogStore.blocks(db, writerID: log.id, range: start..<applied).enumerated() {
                guard case let .data(op)? = try? Entry.decode(block),
                      let payload = op.open(database: databaseID, writer: device, dataKey: dataKey) else { continue }
                let heads = try pointHeads[payload.key] ?? Self.headsAtPoint(db, key: payload.key, point: point, keys: ids)
                pointHeads[payload.key] = heads
                let clock = try ViewClocks.clock(db, writerID: log.id, index: start + UInt64(offset))
                writes.append((payload.key, payload.value, heads.allSatisfy { clock.covers(writer: $0.writerID, index: $0.index) }))
            }
            return writes
        }
    }

    /// The versions `key` had at the succession point: the operations on it inside the point
    /// that no other operation inside the point follows.
    private static func headsAtPoint(_ db: Database, key: String, point: [PublicKey: UInt64], keys: [Int64: PublicKey]) throws -> [ViewBatch.Position] {
        let inside = try ViewRegister.history(db, key: key).compactMap { operation -> ViewBatch.Position? in
            let position = ViewBatch.Position(writerID: operation.writerID, index: operation.index)
            guard let writer = keys[position.writerID], position.index < point[writer] ?? 0 else { return nil }
            return position
        }
        let clocks = try inside.map { try ViewClocks.clock(db, writerID: $0.writerID, index: $0.index) }
        return inside.enumerated().filter { i, version in
            !clocks.enumerated().contains { j, clock in j != i && clock.covers(writer: version.writerID, index: version.index) }
        }.map(\.element)
    }

    /// Every log's applied length (writers nobody added left out): the succession point.
    private static func applied(_ db: Database, membership: MembershipState) throws -> [DataOperation.Dependency] {
        try Row.fetchAll(db, sql: "SELECT w.key, s.applied FROM view_state s JOIN writers w ON w.id = s.writer_id WHERE s.applied > 0")
            .compactMap { row in
                guard let key = PublicKey(bytes: [UInt8](row[0] as Data)), membership.status(of: key) != .unknown else { return nil }
                return DataOperation.Dependency(writer: key, length: UInt64(bitPattern: row[1]))
            }.sorted { $0.writer < $1.writer }
    }

    /// Every live key with all its current versions, as writes that keep them side by side.
    private func liveState(_ db: Database, dataKey: SecureBytes) throws -> [Change] {
        let writers = try writerKeys(db)
        var changes: [Change] = []
        for key in try String.fetchAll(db, sql: "SELECT key FROM view_entries WHERE live > 0 ORDER BY key") {
            let heads = try ViewRegister.heads(db, key: key).compactMap { head in writers[head.writerID].map { (head, $0) } }
            for (head, writer) in heads.sorted(by: { ($0.1, $0.0.index) < ($1.1, $1.0.index) }) {   // writer key bytes, position
                if head.tombstone {
                    changes.append(.delete(key: key, replaces: []))
                } else if let value = try decryptValue(db, writerID: head.writerID, writerKey: writer, index: head.index, dataKey: dataKey) {
                    changes.append(.put(key: key, value: value, replaces: []))
                }
            }
        }
        return changes
    }

    /// Signed batches within the limits (4,096 entries, about 2 MiB).
    static func batches(_ changes: [Change]) -> [[Change]] {
        var batches: [[Change]] = []
        var current: [Change] = []
        var bytes = 0
        for change in changes {
            let size = change.key.utf8.count + (change.value?.count ?? 0) + 64
            if !current.isEmpty && (current.count == maxBatchEntries || bytes + size > maxBatchBytes) {
                batches.append(current)
                current = []
                bytes = 0
            }
            current.append(change)
            bytes += size
        }
        if !current.isEmpty { batches.append(current) }
        return batches
    }

    /// How many blocks of `writer`'s log are stored here.
    func length(of writer: PublicKey) throws -> UInt64 {
        try self.writer.read { db in try LogStore.writer(db, key: writer)?.length ?? 0 }
    }
}
