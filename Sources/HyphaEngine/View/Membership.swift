import Foundation
import GRDB

/// A writer's standing in the database, as every node computes it from the same operations.
public enum WriterStatus: String, Sendable, Codable {
    /// Added by a root-signed add-writer and never removed.
    case authorised
    /// Removed by a root-signed remove-writer: entries up to the cut-off count, later ones never.
    case removed
    /// Nobody added it: its blocks are kept aside and not applied.
    case unknown
}

/// The root-signed membership operations of a database, reduced to who may write what.
/// A pure function of the set of operations: arrival order never matters.
struct MembershipState: Sendable {
    struct Addition: Sendable {
        var name: String
        var addedBy: PublicKey
        var createdAt: UInt64
    }
    struct Removal: Sendable, Equatable {
        var cutoffLength: UInt64
        var cutoffHash: [UInt8]
        var createdAt: UInt64
    }

    var additions: [PublicKey: Addition] = [:]
    var removals: [PublicKey: [Removal]] = [:]
    var domain: String?

    func status(of writer: PublicKey) -> WriterStatus {
        if removals[writer] != nil { return .removed }    // removal beats any add, forever
        if additions[writer] != nil { return .authorised }
        return .unknown
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

    /// Reads every stored membership operation. Operations carried at or after a fork point
    /// do not count: nodes holding different versions of a forked log must agree. Several adds
    /// of one key: the earliest (createdAt, then operation hash) names it, so every node shows
    /// the same name.
    static func load(_ db: Database) throws -> MembershipState {
        var state = MembershipState()
        let rows = try Row.fetchAll(db, sql: """
            SELECT DISTINCT hash, kind, subject, name, added_by, cutoff_length, cutoff_hash, created_at
            FROM membership_ops m
            WHERE NOT EXISTS (SELECT 1 FROM forks f WHERE f.writer_id = m.source_writer AND f.idx <= m.source_idx)
            ORDER BY created_at, hash
            """)
        for row in rows {
            let kind: UInt8 = row["kind"]
            let createdAt = UInt64(bitPattern: row["created_at"])
            switch EntryKind(rawValue: kind) {
            case .genesis:
                if state.domain == nil { state.domain = row["name"] }
            case .addWriter:
                guard let key = PublicKey(bytes: [UInt8](row["subject"] as Data)),
                      let by = PublicKey(bytes: [UInt8](row["added_by"] as Data)) else { continue }
                if state.additions[key] == nil {
                    state.additions[key] = Addition(name: row["name"], addedBy: by, createdAt: createdAt)
                }
            case .removeWriter:
                guard let key = PublicKey(bytes: [UInt8](row["subject"] as Data)) else { continue }
                let removal = Removal(cutoffLength: UInt64(bitPattern: row["cutoff_length"]),
                                      cutoffHash: [UInt8](row["cutoff_hash"] as Data), createdAt: createdAt)
                state.removals[key, default: []].append(removal)
            default:
                continue
            }
        }
        return state
    }

    /// Records the membership operations found in `blocks` (stored at `start` of a log).
    /// Operations whose root signature fails are recorded as invalid, never applied.
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
            try insert(db, op, hash: Blake2b.hash(block), writerID: writerID, index: index)
        }
    }

    private static func insert(_ db: Database, _ op: MembershipOperation, hash: [UInt8], writerID: Int64, index: UInt64) throws {
        var subject: Data?, name: String?, addedBy: Data?, cutoffLength: Int64?, cutoffHash: Data?
        switch op.body {
        case let .genesis(_, domain):
            name = domain
        case let .addWriter(writer, n, by):
            subject = Data(writer.bytes); name = n; addedBy = Data(by.bytes)
        case let .removeWriter(writer, length, h):
            subject = Data(writer.bytes); cutoffLength = Int64(bitPattern: length); cutoffHash = Data(h)
        }
        try db.execute(sql: """
            INSERT OR IGNORE INTO membership_ops
              (hash, kind, subject, name, added_by, cutoff_length, cutoff_hash, created_at, source_writer, source_idx)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            """, arguments: [Data(hash), op.kind.rawValue, subject, name, addedBy, cutoffLength, cutoffHash,
                             Int64(bitPattern: op.createdAt), writerID, Int64(bitPattern: index)])
    }
}

/// Entries the view skipped, with the reason (derived, rebuilt with the view).
enum ViewInvalid {
    static func record(_ db: Database, writerID: Int64, index: UInt64, reason: String) throws {
        try db.execute(sql: "INSERT OR REPLACE INTO view_invalid (writer_id, idx, reason) VALUES (?, ?, ?)",
                       arguments: [writerID, Int64(bitPattern: index), reason])
    }
}
