import Foundation
import HyphaEngine

/// One change a command was asked to make; version ids as typed (`wwwwwwww:N`).
struct PendingChange {
    var key: String
    /// nil for a delete.
    var value: [UInt8]?
    var replaces: [String]?
}

/// Where a command reads and writes entries: the node running on the data directory, through
/// its control socket (no key derivation, writes pushed to its peers at once), or, when no node
/// runs there, the database itself with keys derived from the passphrase.
protocol EntrySource: AnyObject {
    func entry(_ key: String) throws -> EntryDetail?
    func list(prefix: String, after: String?, limit: Int, values: Bool) throws -> [EntrySummary]
    func write(_ changes: [PendingChange]) throws
}

enum EntrySources {
    /// The running node when one answers on the data directory, else the database unlocked with
    /// the passphrase.
    static func open(_ dataDirectory: DataDirectoryOption, passphrase: PassphraseOptions) throws -> EntrySource {
        if let node = RunningNode.connect(dataDirectory) { return NodeEntrySource(node) }
        return try DirectEntrySource(dataDirectory, passphrase: passphrase)
    }
}

/// The node running on the data directory, if one answers on its control socket.
enum RunningNode {
    /// `HYPHA_DIRECT=1` makes a command work on the database itself even beside a running
    /// node (as an older version would; the node notices within a poll).
    static func connect(_ dataDirectory: DataDirectoryOption, environment: [String: String] = ProcessInfo.processInfo.environment) -> ControlConnection? {
        let path = dataDirectory.resolved().path
        ErrorContext.set(path)
        if environment["HYPHA_DIRECT"] == "1" { return nil }
        return ControlConnection.open(dataDirectory: path)
    }

    /// Sends `request`; a refusal becomes the node's one-line error.
    @discardableResult
    static func call(_ connection: ControlConnection, _ request: ControlRequest) throws -> ControlResponse {
        let response = try connection.call(request)
        guard response.ok else { throw OperationalFailure(message: response.error ?? "the running node refused") }
        return response
    }
}

final class NodeEntrySource: EntrySource {
    let connection: ControlConnection
    init(_ connection: ControlConnection) { self.connection = connection }

    func entry(_ key: String) throws -> EntryDetail? {
        let response = try connection.call(ControlRequest(op: .get, key: key))
        if response.code == "no-entry" { return nil }
        guard response.ok else { throw OperationalFailure(message: response.error ?? "the running node refused") }
        return response.entry?.detail
    }

    func list(prefix: String, after: String?, limit: Int, values: Bool) throws -> [EntrySummary] {
        let response = try RunningNode.call(connection, ControlRequest(op: .list, prefix: prefix, after: after, limit: limit, values: values))
        return (response.entries ?? []).map(\.summary)
    }

    func write(_ changes: [PendingChange]) throws {
        try RunningNode.call(connection, ControlRequest(op: .write, changes: changes.map { ControlChange(key: $0.key, value: $0.value, replaces: $0.replaces) }))
    }
}

final class DirectEntrySource: EntrySource {
    private var session: NodeSession

    init(_ dataDirectory: DataDirectoryOption, passphrase: PassphraseOptions) throws {
        session = try NodeSession(dataDirectory: dataDirectory)
        try session.unlock(with: passphrase)
    }

    deinit { session.close() }

    func entry(_ key: String) throws -> EntryDetail? { try session.database.entry(key) }

    func list(prefix: String, after: String?, limit: Int, values: Bool) throws -> [EntrySummary] {
        try session.database.list(prefix: prefix, after: after, limit: limit, values: values)
    }

    func write(_ changes: [PendingChange]) throws {
        let writers = changes.contains { $0.replaces != nil } ? try session.database.writers().map(\.key) : []
        try session.database.write(try changes.map { change in
            let replaces = try change.replaces.map { try $0.map { try VersionID.parse($0, writers: writers) } }
            return change.value.map { .put(key: change.key, value: $0, replaces: replaces) } ?? .delete(key: change.key, replaces: replaces)
        })
    }
}
