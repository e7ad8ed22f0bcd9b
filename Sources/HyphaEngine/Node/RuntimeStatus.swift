import Foundation
import GRDB

/// What a running node publishes for CLI commands on the same data directory (`hypha peers`):
/// its pid, listen address and connected peers, in the `runtime_status` table.
public struct RuntimeStatus: Sendable, Equatable {
    public struct Peer: Sendable, Equatable, Codable {
        public var address: String
        public var transport: String
        public var direction: String
        public var nodeName: String
        public var syncState: String
        public var alwaysOn: Bool
    }

    public var pid: Int32
    public var listen: String?
    public var peers: [Peer]
    public var updatedAt: UInt64

    /// Whether the publishing process still runs.
    public var isAlive: Bool { kill(pid, 0) == 0 || errno == EPERM }

    static func registerMigration(_ migrator: inout DatabaseMigrator) {
        migrator.registerMigration("runtime-v1") { db in
            try db.execute(sql: "CREATE TABLE runtime_status (key TEXT PRIMARY KEY, value TEXT NOT NULL)")
        }
    }

    func save(_ db: Database) throws {
        let peersJSON = String(decoding: try JSONEncoder().encode(peers), as: UTF8.self)
        for (key, value) in [("pid", String(pid)), ("listen", listen ?? ""), ("peers", peersJSON), ("updatedAt", String(updatedAt))] {
            try db.execute(sql: "INSERT OR REPLACE INTO runtime_status (key, value) VALUES (?, ?)", arguments: [key, value])
        }
    }

    static func clear(_ db: Database) throws { try db.execute(sql: "DELETE FROM runtime_status") }

    static func load(_ db: Database) throws -> RuntimeStatus? {
        var values: [String: String] = [:]
        for row in try Row.fetchAll(db, sql: "SELECT key, value FROM runtime_status") { values[row["key"]] = row["value"] }
        guard let pid = values["pid"].flatMap(Int32.init) else { return nil }
        let peers = (values["peers"]?.data(using: .utf8)).flatMap { try? JSONDecoder().decode([Peer].self, from: $0) } ?? []
        return RuntimeStatus(pid: pid, listen: values["listen"].flatMap { $0.isEmpty ? nil : $0 }, peers: peers,
                             updatedAt: values["updatedAt"].flatMap(UInt64.init) ?? 0)
    }
}

extension HyphaDatabase {
    /// The status published by a node running on this database, if one is running.
    public func runningNodeStatus() throws -> RuntimeStatus? {
        try writer.read { db in try RuntimeStatus.load(db) }.flatMap { $0.isAlive ? $0 : nil }
    }

    func publish(_ status: RuntimeStatus?) throws {
        try writer.write { db in
            if let status { try status.save(db) } else { try RuntimeStatus.clear(db) }
        }
    }

    /// SQLite's `data_version` on the writer connection: it changes when another connection
    /// (another process) commits, which is how a running node notices CLI commands.
    public func externalChangeCounter() throws -> Int64 {
        try writer.writeWithoutTransaction { db in try Int64.fetchOne(db, sql: "PRAGMA data_version") ?? 0 }
    }

    /// The GRDB writer, for the ephemeral tables kept in the same file.
    var grdbWriter: any DatabaseWriter { writer }
}

extension HyphaDatabase {
    /// The authorisation requests kept in this database (answered by CLI commands or the app).
    public func authorisationRequests() -> AuthorisationRequests { AuthorisationRequests(writer: writer) }
}
