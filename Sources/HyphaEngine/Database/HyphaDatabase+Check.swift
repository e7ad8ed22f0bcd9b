import Foundation
import GRDB

/// The integrity check and repair. A database whose check found problems refuses local writes
/// until `repair` (or a later clean check) clears it: writing more into a damaged file can only
/// make things worse.
extension HyphaDatabase {
    /// What `check` cannot see, said alongside its verdict.
    public static let checkLimits = """
        not checked: the view and the membership index are derived (a changed byte there is not \
        detected; check --repair rebuilds them from the logs), nor are pending authorisation \
        requests, the seen-message set or config.json
        """

    /// SQLite's own integrity check, every stored log against its signatures (any changed byte
    /// in a block or a signature is found), the stored roots and heads, every fork proof and
    /// proven block; one line per problem, empty when healthy. The verdict is recorded: local
    /// writes are refused while it is not clean.
    public func checkIntegrity() throws -> [String] {
        var problems = try writer.read { db in
            try String.fetchAll(db, sql: "PRAGMA integrity_check").filter { $0 != "ok" }.map { "sqlite: \($0)" }
        }
        problems += try writer.read { db in try logProblems(db).sorted { $0.key < $1.key }.map(\.value.reason) }
        problems += try verifyEvidence()
        if !isReadOnly {
            do {
                try writer.write { db in
                    try verifyLogs(db)   // the caps that make damaged logs count only what verifies
                    try recordHealth(db, problems)
                }
            } catch let error as DatabaseError where StorageFailure.from(error, directory: "")?.kind == .full {
                // The verdict stands; recording it waits for space (what was found is printed).
            }
        }
        return problems
    }

    /// Repairs what can be repaired here: logs whose blocks no longer match their signatures are
    /// cut back to their last length that verifies (peers, the always-on node included, give the
    /// rest again: it is signed), stored roots and heads are recomputed, damaged evidence is
    /// dropped, SQLite's indexes and the whole view are rebuilt. Returns the problems left.
    public func repair() throws -> [String] {
        try withDataKey { dataKey in
            try writer.write { db in
                try db.execute(sql: "REINDEX")
                try verifyLogs(db)
                for (id, length) in try LogQuarantine.caps(db) {
                    guard let log = try LogStore.writer(db, id: id) else { continue }
                    try LogPruning.rewrite(db, log: log, to: length)
                }
                try db.execute(sql: "DELETE FROM log_caps")
                try dropDamagedEvidence(db)
                _ = try rebuildView(db, dataKey: dataKey)
            }
        }
        notify(DatabaseChange(heads: [], viewChanged: true, membershipChanged: true))
        return try checkIntegrity()
    }

    /// The last recorded verdict: nil when healthy (or never checked), the problems otherwise.
    public func recordedDamage() throws -> [String]? {
        try writer.read { db in try Self.recordedDamage(db) }
    }

    static func recordedDamage(_ db: Database) throws -> [String]? {
        guard let row = try Row.fetchOne(db, sql: "SELECT damaged, problems FROM health WHERE id = 1"), row["damaged"] as Bool else {
            return nil
        }
        return (row["problems"] as String).split(separator: "\n").map(String.init)
    }

    /// Refuses a local write while the last check found problems.
    func refuseWritesIfDamaged(_ db: Database) throws {
        if try Self.recordedDamage(db) != nil {
            throw StorageFailure(kind: .damaged, directory: directory ?? "this data directory", detail: "")
        }
    }

    private func recordHealth(_ db: Database, _ problems: [String]) throws {
        let text = problems.joined(separator: "\n")
        if let row = try Row.fetchOne(db, sql: "SELECT damaged, problems FROM health WHERE id = 1"),
           row["damaged"] as Bool == !problems.isEmpty, row["problems"] as String == text { return }
        try db.execute(sql: "INSERT OR REPLACE INTO health (id, damaged, problems, checked_at) VALUES (1, ?, ?, ?)",
                       arguments: [!problems.isEmpty, text, Int64(bitPattern: now())])
    }

    /// Every fork proof and proven block must still verify.
    private func verifyEvidence() throws -> [String] {
        try writer.read { db in
            var problems: [String] = []
            for row in try Row.fetchAll(db, sql: "SELECT writer_id, idx, proof FROM forks WHERE proof IS NOT NULL") {
                let ok = (try? ForkProof(encoded: [UInt8](row["proof"] as Data)).verify()) != nil
                if !ok { problems.append("fork proof of log row \(row["writer_id"] as Int64) at \(row["idx"] as Int64) no longer verifies") }
            }
            for row in try Row.fetchAll(db, sql: "SELECT evidence FROM proven_blocks") {
                let ok = (try? ProvenBlock(encoded: [UInt8](row["evidence"] as Data)).verify()) != nil
                if !ok { problems.append("a proven block no longer verifies") }
            }
            return problems
        }
    }

    private func dropDamagedEvidence(_ db: Database) throws {
        for row in try Row.fetchAll(db, sql: "SELECT writer_id, idx, proof FROM forks WHERE proof IS NOT NULL")
            where (try? ForkProof(encoded: [UInt8](row["proof"] as Data)).verify()) == nil {
            try db.execute(sql: "DELETE FROM forks WHERE writer_id = ? AND idx = ?", arguments: [row["writer_id"] as Int64, row["idx"] as Int64])
        }
        for row in try Row.fetchAll(db, sql: "SELECT writer, position, hash, evidence FROM proven_blocks")
            where (try? ProvenBlock(encoded: [UInt8](row["evidence"] as Data)).verify()) == nil {
            try db.execute(sql: "DELETE FROM proven_blocks WHERE writer = ? AND position = ? AND hash = ?",
                           arguments: [row["writer"] as Data, row["position"] as Int64, row["hash"] as Data])
        }
    }
}
