import GRDB

extension HyphaDatabase {
    /// SQLite's own integrity check plus every log against its signatures; one line per
    /// problem, empty when healthy.
    public func checkIntegrity() throws -> [String] {
        var problems = try writer.read { db in
            try String.fetchAll(db, sql: "PRAGMA integrity_check").filter { $0 != "ok" }.map { "sqlite: \($0)" }
        }
        problems += try verifyLogs()
        return problems
    }
}
