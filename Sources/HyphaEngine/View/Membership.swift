import Foundation
import GRDB

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

    func status(of writer: PublicKey) -> WriterStatus {
        if removals[writer] != nil { return .removed }    // removal beats any add, forever
        if additions[writer] != nil { return .authorised }
        return .unknown
    }

    /// The removal a person is told about: the earliest.
    func firstRemoval(of writer: PublicKey) -> Removal? {
        removals[writer]?.min { ($0.createdAt, $0.cutoffLength) < ($1.createdAt, $1.cutoffLength) }
    }

    /// How many blocks of `writer`'s log count, given how many are stored, where the log forked
    /// (if it did) and a way to hash a stored block. Authorised: all of them up to a fork.
    /// Unknown: none. Removed: for each removal, its cut-off length if the block at the cut-off
    /// matches its hash (or is not stored yet), 0 if not; the smallest over all removals, so
    /// concurrent revocations keep the common prefix. A cut-off inside a forked region is
    /// capped at the fork point unchecked: nodes hold different versions of that block.
    func acceptedLength(of writer: PublicKey, storedLength: UInt64, forkedAt fork: UInt64?,
                        blockHash: (UInt64) throws -> [UInt8]?) rethrows -> UInt64 {
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
                } else if length > 0 && storedLength >= length, let hash = try blockHash(length - 1), hash != removal.cutoffHash {
                    length = 0   // the revoker saw a different log: keep nothing of this one
                }
                accepted = min(accepted, length)
            }
            return accepted
        }
    }

    /// How many blocks of `writer`'s log a node stores at most (nil: no limit from membership):
    /// nothing at or after a fork point, nothing after the smallest cut-off of a removed writer.
    /// Blocks up to a cut-off are kept even when its hash does not match, so every node can
    /// check that hash the same way.
    func storageLimit(of writer: PublicKey, forkedAt fork: UInt64?) -> UInt64? {
        var limit = fork
        if let cutoff = removals[writer]?.map(\.cutoffLength).min() { limit = min(limit ?? .max, cutoff) }
        return limit
    }

    // MARK: Loading

    /// Reduces every stored membership operation (see the strata above).
    static func load(_ db: Database) throws -> MembershipState {
        let records = try MembershipIndex.records(db)
        let forks = try ForkRecords.firstForkIndex(db)
        let caps = try LogQuarantine.caps(db)
        var logs: [Int64: (key: PublicKey, length: UInt64)] = [:]
        for row in try Row.fetchAll(db, sql: "SELECT id, key, length FROM writers") {
            guard let key = PublicKey(bytes: [UInt8](row["key"] as Data)) else { continue }
            logs[row["id"]] = (key, UInt64(bitPattern: row["length"]))
        }
        func baseLimit(_ carrier: Int64) -> UInt64 { min(forks[carrier] ?? .max, caps[carrier] ?? .max) }

        var state = MembershipState()
        let ids = Dictionary(logs.map { ($0.value.key, $0.key) }) { a, _ in a }
        let labelling = RemovalLabelling(removals: records.filter { $0.kind == .removeWriter },
                                         carrierKey: { logs[$0]?.key }, baseLimit: baseLimit) { record in
            // The cut one removal makes in its subject's log, as `acceptedLength` computes it.
            guard case let .removeWriter(subject, length, hash) = record.body else { return .max }
            guard let id = ids[subject], let log = logs[id] else { return length }
            if let fork = forks[id], length > fork { return fork }
            if length > 0 && log.length >= length, let block = try LogStore.block(db, writerID: id, index: length - 1),
               Blake2b.hash(block) != hash {
                return 0
            }
            return length
        }
        var seen: Set<[UInt8]> = []
        for record in try labelling.counting() {
            guard seen.insert(record.hash).inserted, case let .removeWriter(writer, length, hash) = record.body else { continue }
            state.removals[writer, default: []].append(Removal(cutoffLength: length, cutoffHash: hash, createdAt: record.createdAt,
                                                               carrier: logs[record.sourceWriter]?.key))
        }

        var limits: [Int64: UInt64] = [:]
        func limit(_ carrier: Int64) throws -> UInt64 {
            if let known = limits[carrier] { return known }
            var value = baseLimit(carrier)
            if let log = logs[carrier], state.status(of: log.key) == .removed {
                value = min(value, try state.acceptedLength(of: log.key, storedLength: log.length, forkedAt: forks[carrier]) { index in
                    try LogStore.block(db, writerID: carrier, index: index).map { Blake2b.hash($0) }
                })
            }
            limits[carrier] = value
            return value
        }

        var counting: [MembershipIndex.Record] = []
        for record in records where record.kind != .removeWriter {
            guard record.sourceIndex < (try limit(record.sourceWriter)), seen.insert(record.hash).inserted else { continue }
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
            case .removeWriter, .denyRequest:
                continue
            }
        }
        return state
    }
}

/// The index of membership operations found in stored blocks (`membership_ops`, derived).
enum MembershipIndex {
    struct Record {
        var hash: [UInt8]
        var sourceWriter: Int64
        var sourceIndex: UInt64
        var createdAt: UInt64
        var body: MembershipOperation.Body
        var kind: EntryKind {
            MembershipOperation(body: body, createdAt: createdAt, signature: []).kind
        }
    }

    /// Records the membership operations found in `blocks` (stored at `start` of a log).
    /// Operations whose root signature fails are recorded as invalid (shown by `hypha check`),
    /// never applied.
    static func extract(_ db: Database, database: DatabaseID, writerID: Int64, start: UInt64, blocks: [[UInt8]]) throws {
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
                continue
            }
            try db.execute(sql: """
                INSERT OR IGNORE INTO membership_ops (hash, source_writer, source_idx, kind, body, created_at)
                VALUES (?, ?, ?, ?, ?, ?)
                """, arguments: [Data(Blake2b.hash(block)), writerID, Int64(bitPattern: index), op.kind.rawValue,
                                 Data(block), Int64(bitPattern: op.createdAt)])
        }
    }

    /// Every indexed operation, ordered by (createdAt, hash).
    static func records(_ db: Database) throws -> [Record] {
        try Row.fetchAll(db, sql: "SELECT hash, source_writer, source_idx, body, created_at FROM membership_ops ORDER BY created_at, hash")
            .compactMap { row in
                guard case let .membership(op)? = try? Entry.decode([UInt8](row["body"] as Data)) else { return nil }
                return Record(hash: [UInt8](row["hash"] as Data), sourceWriter: row["source_writer"],
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
