import Foundation
import GRDB

extension HyphaDatabase {
    /// Drops the materialised view and rebuilds it from the stored blocks (the view is a pure
    /// function of them). Also re-checks every log against its signatures first.
    @discardableResult
    public func rebuildView() throws -> Int {
        let applied = try withDataKey { dataKey in try writer.write { db in try rebuildView(db, dataKey: dataKey) } }
        notify(DatabaseChange(heads: [], viewChanged: true, membershipChanged: true))
        return applied
    }

    /// Checks every stored log against its stored signatures, capping logs whose blocks no
    /// longer match (tampering on disk, damage): returns one line per problem found.
    @discardableResult
    public func verifyLogs() throws -> [String] {
        try writer.write { db in try verifyLogs(db) }
    }

    func rebuildView(_ db: Database, dataKey: SecureBytes?) throws -> Int {
        try Schema.dropView(db)
        try Schema.createViewTables(db)
        try verifyLogs(db)
        for log in try LogStore.allWriters(db) {
            var at: UInt64 = 0
            while at < log.length {
                let end = min(log.length, at + 4096)
                try MembershipIndex.extract(db, database: databaseID, writerID: log.id, start: at,
                                            blocks: try LogStore.blocks(db, writerID: log.id, range: at..<end))
                at = end
            }
        }
        try LogPruning.enforce(db, database: databaseID)
        guard let dataKey else { return 0 }
        var applier = try ViewApplier(db, database: databaseID, dataKey: dataKey)
        guard case let .applied(count) = try applier.run() else {
            throw StoreError.corrupt("the view cannot be rebuilt consistently")
        }
        return count
    }

    /// Recomputes each log's tree from its blocks, checking every stored signature in order;
    /// the first mismatch caps the log at the last length that verified.
    @discardableResult
    func verifyLogs(_ db: Database) throws -> [String] {
        let found = try logProblems(db)
        // Rewritten only when they change: a check that finds what the last one found writes
        // nothing (and so works on a full disk).
        if try LogQuarantine.caps(db) != found.mapValues(\.verified) {
            try db.execute(sql: "DELETE FROM log_caps")
            for (id, problem) in found {
                try db.execute(sql: "INSERT INTO log_caps (writer_id, valid_length, reason) VALUES (?, ?, ?)",
                               arguments: [id, Int64(bitPattern: problem.verified), problem.reason])
            }
        }
        return found.sorted { $0.key < $1.key }.map(\.value.reason)
    }

    /// Each damaged log (by row id): how far it verifies, and what is wrong. Reads only.
    func logProblems(_ db: Database) throws -> [Int64: (verified: UInt64, reason: String)] {
        var problems: [Int64: (verified: UInt64, reason: String)] = [:]
        for log in try LogStore.allWriters(db) {
            let signatures = try LogStore.signedTrees(db, writerID: log.id, lengths: 1...max(1, log.length))
            var roots = MerkleRoots()
            var verified: UInt64 = 0
            var problem: String?
            for signed in signatures where signed.length <= log.length {
                roots.append(blocks: try LogStore.blocks(db, writerID: log.id, range: roots.length..<signed.length))
                do {
                    try LogVerifier(writer: log.key).check(signed, against: roots)
                    verified = signed.length
                } catch {
                    problem = "log \(log.key.shortHex): blocks \(verified)..<\(signed.length) do not match their signature (\(error.description)); only the first \(verified) count"
                    break
                }
            }
            if problem == nil && verified != log.length {
                problem = "log \(log.key.shortHex): no signature covers blocks \(verified)..<\(log.length); only the first \(verified) count"
            }
            // The stored roots and head (used to extend and serve the log) must be the ones the
            // blocks and the last signature give.
            if problem == nil && (log.roots != roots || log.head != signatures.last(where: { $0.length <= log.length })) {
                problem = "log \(log.key.shortHex): its stored roots or head do not match its blocks and signatures"
            }
            if let problem { problems[log.id] = (verified, problem) }
        }
        return problems
    }
}
