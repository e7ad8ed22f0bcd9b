import Foundation
import GRDB
import Logging

/// A writer's standing in the database, as every node computes it from the same operations.
public enum WriterStatus: String, Sendable, Codable {
    /// Added by a root-signed add-writer and never removed.
    case authorised
    /// Removed by a root-signed remove-writer: entries up to the cut-off count, later ones never.
    case removed
    /// Nobody added it: its blocks are kept aside (within a budget) and not applied.
    case unknown
}

/// The root-signed membership operations of a database, reduced to who may write what.
/// A pure function of the set of stored blocks: arrival order never matters.
///
/// Membership operations carried in a removed writer's log after its cut-off never count, and
/// nothing after a cut-off is stored or relayed. That makes removals depend on each other (a
/// removal carried after its carrier's own cut-off does not count), so they are decided first
/// (`RemovalLabelling`): a removal counts when no counting removal cuts its carrier at or before
/// it; removals that cut each other (two devices revoking each other at once) are settled by the
/// earliest (createdAt, operation hash). Every other operation (genesis, add-writer, approve,
/// deny) then counts only inside the counting part of its carrier's log. An approval of a request
/// counts unless a denial of that same request counts.
struct MembershipState: Sendable {
    struct Addition: Sendable {
        var name: String
        var addedBy: PublicKey
        var createdAt: UInt64
        /// The request it answers (approvals only).
        var request: RequestID?
    }
    struct Removal: Sendable, Equatable {
        var cutoffLength: UInt64
        var cutoffHash: [UInt8]
        var createdAt: UInt64
        /// The log that carried it (the revoking device), when stored here.
        var carrier: PublicKey?
    }
    struct Denial: Sendable, Equatable {
        var device: PublicKey
        var deniedBy: PublicKey
        var createdAt: UInt64
    }

    var additions: [PublicKey: Addition] = [:]
    var removals: [PublicKey: [Removal]] = [:]
    var denials: [RequestID: Denial] = [:]
    var domain: String?
    /// The largest cut-off any known removal names, per removed writer (counting or not).
    var latestCutoff: [PublicKey: UInt64] = [:]
    /// Successions of this database (more than one successor: a compromise signal).
    var successions: [SuccessionRecord] = []
    /// The database this one succeeds, when it is a successor.
    var predecessor: DatabaseID?

    struct SuccessionRecord: Sendable, Equatable {
        var succession: MembershipOperation.Succession
        var createdAt: UInt64
        /// The log that carried it (the device that changed the passphrase).
        var carrier: PublicKey
    }

    /// The successors named, in (createdAt, hash) order, one each.
    var successors: [DatabaseID] {
        var seen: [DatabaseID] = []
        for record in successions where !seen.contains(record.succession.successor) { seen.append(record.succession.successor) }
        return seen
    }

    func status(of writer: PublicKey) -> WriterStatus {
        if removals[writer] != nil { return .removed }    // removal beats any add, forever
        if additions[writer] != nil { return .authorised }
        return .unknown
    }

    /// The removal a person is told about: the earliest.
    func firstRemoval(of writer: PublicKey) -> Removal? {
        removals[writer]?.min { ($0.createdAt, $0.cutoffLength) < ($1.createdAt, $1.cutoffLength) }
    }

    /// How many blocks of `writer`'s log count, given where the log forked (if it did) and
    /// whether the block at a cut-off matches the removal's hash (`matches`: nil when that block
    /// is not known here yet). Authorised: all of them up to a fork. Unknown: none. Removed:
    /// for each removal, its cut-off length if the block at the cut-off matches its hash (or is
    /// not known yet), 0 if not; the smallest over all removals, so concurrent revocations keep
    /// the common prefix. A cut-off beyond a fork point is capped there unchecked: nodes hold
    /// different versions of that block.
    func acceptedLength(of writer: PublicKey, forkedAt fork: UInt64?,
                        matches: (_ length: UInt64, _ hash: [UInt8]) throws -> Bool?) rethrows -> UInt64 {
        let forkCap = fork ?? .max
        switch status(of: writer) {
        case .unknown: return 0
        case .authorised: return forkCap
        case .removed:
            var accepted = forkCap
            for removal in removals[writer] ?? [] {
                var length = removal.cutoffLength
                if length > forkCap {
                    length = forkCap
                } else if length > 0, try matches(length, removal.cutoffHash) == false {
                    length = 0   // the revoker saw a different log: keep nothing of this one
                }
                accepted = min(accepted, length)
            }
            return accepted
        }
    }

    /// Whether block `length − 1` of `subject`'s log hashes to `hash`: from the proven blocks
    /// kept for it, else from the stored log; nil when neither holds it.
    static func cutoffMatches(_ db: Database, subject: PublicKey, length: UInt64, hash: [UInt8]) throws -> Bool? {
        guard length > 0 else { return true }
        let proven = try ProvenBlocks.hashes(db, writer: subject, position: length - 1)
        if !proven.isEmpty { return proven.contains(hash) }
        guard let log = try LogStore.writer(db, key: subject), let block = try LogStore.block(db, writerID: log.id, index: length - 1) else {
            return nil
        }
        return Blake2b.hash(block) == hash
    }

    /// `acceptedLength` with the cut-off blocks looked up in `db`.
    func acceptedLength(_ db: Database, of writer: PublicKey, forkedAt fork: UInt64?) throws -> UInt64 {
        try acceptedLength(of: writer, forkedAt: fork) { length, hash in
            try Self.cutoffMatches(db, subject: writer, length: length, hash: hash)
        }
    }

    /// How many blocks of `writer`'s log a node stores at most (nil: no limit from membership):
    /// nothing at or after a fork point, and for a removed writer nothing after the latest
    /// cut-off any removal of it names (counting or not). Taking the latest makes the limit
    /// only ever grow as removals arrive, so a block that may count again later (when a removal
    /// stops counting) is never thrown away; blocks up to a cut-off are kept even when its hash
    /// does not match, so every node can check that hash the same way.
    func storageLimit(of writer: PublicKey, forkedAt fork: UInt64?) -> UInt64? {
        var limit = fork
        if status(of: writer) == .removed, let cutoff = latestCutoff[writer] { limit = min(limit ?? .max, cutoff) }
        return limit
    }

    // MARK: Loading

    /// Reduces every stored membership operation and every removal evidence (see above).
    static func load(_ db: Database) throws -> MembershipState {
        let forks = try ForkRecords.firstForkIndex(db)
        let caps = try LogQuarantine.caps(db)
        var logs: [Int64: (key: PublicKey, length: UInt64)] = [:]
        var ids: [PublicKey: Int64] = [:]
        for row in try Row.fetchAll(db, sql: "SELECT id, key, length FROM writers") {
            guard let key = PublicKey(bytes: [UInt8](row["key"] as Data)) else { continue }
            logs[row["id"]] = (key, UInt64(bitPattern: row["length"]))
            ids[key] = row["id"]
        }
        func baseLimit(_ carrier: PublicKey) -> UInt64 {
            guard let id = ids[carrier] else { return .max }
            return min(forks[id] ?? .max, caps[id] ?? .max)
        }

        var state = MembershipState()
        let labelling = RemovalLabelling(removals: try MembershipIndex.removals(db), baseLimit: baseLimit) { record in
            // The cut one removal makes in its subject's log, as `acceptedLength` computes it.
            guard case let .removeWriter(subject, length, hash) = record.body else { return .max }
            if let id = ids[subject], let fork = forks[id], length > fork { return fork }
            return try cutoffMatches(db, subject: subject, length: length, hash: hash) == false ? 0 : length
        }
        for record in labelling.removals {
            if case let .removeWriter(writer, length, _) = record.body { state.latestCutoff[writer] = max(state.latestCutoff[writer] ?? 0, length) }
        }
        var seen: Set<[UInt8]> = []
        for record in try labelling.counting() {
            guard seen.insert(record.hash).inserted, case let .removeWriter(writer, length, hash) = record.body else { continue }
            state.removals[writer, default: []].append(Removal(cutoffLength: length, cutoffHash: hash, createdAt: record.createdAt,
                                                               carrier: record.carrier))
        }

        var limits: [PublicKey: UInt64] = [:]
        func limit(_ carrier: PublicKey) throws -> UInt64 {
            if let known = limits[carrier] { return known }
            var value = baseLimit(carrier)
            if let id = ids[carrier], state.status(of: carrier) == .removed {
                value = min(value, try state.acceptedLength(db, of: carrier, forkedAt: forks[id]))
            }
            limits[carrier] = value
            return value
        }

        var counting: [MembershipIndex.Record] = []
        for record in try MembershipIndex.records(db, keys: logs.mapValues(\.key)) {
            guard record.sourceIndex < (try limit(record.carrier)), seen.insert(record.hash).inserted else { continue }
            counting.append(record)
        }
        for record in counting {
            if case let .denyRequest(device, request, deniedBy) = record.body, state.denials[request] == nil {
                state.denials[request] = Denial(device: device, deniedBy: deniedBy, createdAt: record.createdAt)
            }
        }
        for record in counting {   // in (createdAt, hash) order: the earliest add names the writer
            switch record.body {
            case let .genesis(_, domain):
                if state.domain == nil { state.domain = domain }
            case let .addWriter(writer, name, addedBy):
                if state.additions[writer] == nil {
                    state.additions[writer] = Addition(name: name, addedBy: addedBy, createdAt: record.createdAt, request: nil)
                }
            case let .approveRequest(writer, name, addedBy, request):
                if state.additions[writer] == nil, state.denials[request] == nil {
                    state.additions[writer] = Addition(name: name, addedBy: addedBy, createdAt: record.createdAt, request: request)
                }
            case let .succession(succession):
                if !state.successions.contains(where: { $0.succession == succession }) {
                    state.successions.append(SuccessionRecord(succession: succession, createdAt: record.createdAt, carrier: record.carrier))
                }
            case let .predecessor(database):
                if state.predecessor == nil { state.predecessor = database }
            case .removeWriter, .denyRequest:
                continue
            }
        }
        return state
    }
}

/// The index of membership operations found in stored blocks (`membership_ops`, derived) and
/// the evidence of every remove-writer seen (`removal_evidence`, kept: logs are cut back at
/// cut-offs, the evidence is not).
enum MembershipIndex {
    static let logger = Logger(label: "hypha.membership")

    struct Record {
        var hash: [UInt8]
        /// The log that carries the operation, and where.
        var carrier: PublicKey
        var sourceIndex: UInt64
        var createdAt: UInt64
        var body: MembershipOperation.Body
    }

    /// Records the membership operations found in `blocks`, stored at `start` of a log whose
    /// stored head covers them. Operations whose root signature fails are recorded as invalid
    /// (shown by `hypha check`), never applied. A remove-writer is also kept as evidence, with
    /// a proof of its block, unless `evidence` is false (a trial that will be rolled back).
    /// Returns how many valid operations were found.
    @discardableResult
    static func extract(_ db: Database, database: DatabaseID, writerID: Int64, start: UInt64, blocks: [[UInt8]],
                        evidence: Bool = true) throws -> Int {
        var found = 0
        for (offset, block) in blocks.enumerated() {
            // Cheap pre-check on the kind byte: data entries are the common case.
            guard block.count >= 2, let kind = EntryKind(rawValue: block[1]), kind.isMembership else { continue }
            let index = start + UInt64(offset)
            guard case let .membership(op)? = try? Entry.decode(block) else {
                try ViewInvalid.record(db, writerID: writerID, index: index, reason: "malformed membership operation")
                continue
            }
            guard op.verify(database: database) else {
                try ViewInvalid.record(db, writerID: writerID, index: index, reason: EntryError.badRootSignature.description)
                logger.warning("ignored a membership operation not signed by the database root key",
                               metadata: ["log row": "\(writerID)", "position": "\(index)"])
                continue
            }
            found += 1
            if op.kind == .removeWriter {
                if evidence { try ProvenBlocks.record(db, database: database, writerID: writerID, index: index) }
                continue
            }
            try db.execute(sql: """
                INSERT OR IGNORE INTO membership_ops (hash, source_writer, source_idx, kind, body, created_at)
                VALUES (?, ?, ?, ?, ?, ?)
                """, arguments: [Data(Blake2b.hash(block)), writerID, Int64(bitPattern: index), op.kind.rawValue,
                                 Data(block), Int64(bitPattern: op.createdAt)])
        }
        return found
    }

    /// Every kept removal, ordered by (createdAt, hash).
    static func removals(_ db: Database) throws -> [Record] {
        try ProvenBlocks.removals(db).compactMap { proven -> Record? in
            guard case let .membership(op)? = try? Entry.decode(proven.block) else { return nil }
            return Record(hash: Blake2b.hash(proven.block), carrier: proven.writer, sourceIndex: proven.position,
                          createdAt: op.createdAt, body: op.body)
        }.sorted { a, b in
            if a.createdAt != b.createdAt { return a.createdAt < b.createdAt }
            if a.hash != b.hash { return a.hash.lexicographicallyPrecedes(b.hash) }
            return (a.carrier, a.sourceIndex) < (b.carrier, b.sourceIndex)
        }
    }

    /// Every other indexed operation, ordered by (createdAt, hash).
    static func records(_ db: Database, keys: [Int64: PublicKey]) throws -> [Record] {
        try Row.fetchAll(db, sql: "SELECT hash, source_writer, source_idx, body FROM membership_ops ORDER BY created_at, hash")
            .compactMap { row in
                guard let carrier = keys[row["source_writer"]],
                      case let .membership(op)? = try? Entry.decode([UInt8](row["body"] as Data)) else { return nil }
                return Record(hash: [UInt8](row["hash"] as Data), carrier: carrier,
                              sourceIndex: UInt64(bitPattern: row["source_idx"]), createdAt: op.createdAt, body: op.body)
            }
    }
}

/// Entries the view skipped, with the reason (derived, rebuilt with the view).
enum ViewInvalid {
    static func record(_ db: Database, writerID: Int64, index: UInt64, reason: String) throws {
        try db.execute(sql: "INSERT OR REPLACE INTO view_invalid (writer_id, idx, reason) VALUES (?, ?, ?)",
                       arguments: [writerID, Int64(bitPattern: index), reason])
    }
}
