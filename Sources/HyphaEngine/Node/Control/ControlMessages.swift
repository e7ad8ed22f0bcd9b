import Foundation

/// The messages of the local control socket (docs/PROTOCOL.md, "Local control socket"): one JSON
/// object per line each way. Values travel in base64 (they are bytes).
public struct ControlRequest: Codable, Sendable, Equatable {
    public enum Operation: String, Codable, Sendable {
        case status, get, list, write, authorise, deny, revoke, watch
    }

    public var op: Operation
    public var key: String?
    public var prefix: String?
    public var after: String?
    public var limit: Int?
    public var values: Bool?
    public var changes: [ControlChange]?
    /// A request id (or a unique prefix of at least 6 hex digits).
    public var request: String?
    public var code: String?
    public var reason: String?
    /// A node name or key prefix (revoke).
    public var node: String?

    public init(op: Operation, key: String? = nil, prefix: String? = nil, after: String? = nil, limit: Int? = nil,
                values: Bool? = nil, changes: [ControlChange]? = nil, request: String? = nil, code: String? = nil,
                reason: String? = nil, node: String? = nil) {
        self.op = op
        self.key = key
        self.prefix = prefix
        self.after = after
        self.limit = limit
        self.values = values
        self.changes = changes
        self.request = request
        self.code = code
        self.reason = reason
        self.node = node
    }
}

/// One put or delete; `replaces` as version ids (`wwwwwwww:N`), nil for "every version held".
public struct ControlChange: Codable, Sendable, Equatable {
    public var key: String
    /// Base64; nil for a delete.
    public var value: String?
    public var replaces: [String]?

    public init(key: String, value: [UInt8]?, replaces: [String]?) {
        self.key = key
        self.value = value.map { Data($0).base64EncodedString() }
        self.replaces = replaces
    }
}

public struct ControlResponse: Codable, Sendable, Equatable {
    public var ok: Bool
    /// One line, for the person (when `ok` is false).
    public var error: String?
    /// "locked", "no-entry", "refused", … for scripts.
    public var code: String?
    public var status: ControlStatus?
    public var entry: ControlEntry?
    public var entries: [ControlSummary]?
    /// What a write, authorise, deny or revoke did, in one line.
    public var done: String?

    public static func failure(_ message: String, code: String? = nil) -> ControlResponse {
        ControlResponse(ok: false, error: message, code: code)
    }

    public static func success() -> ControlResponse { ControlResponse(ok: true) }

    public init(ok: Bool, error: String? = nil, code: String? = nil, status: ControlStatus? = nil, entry: ControlEntry? = nil,
                entries: [ControlSummary]? = nil, done: String? = nil) {
        self.ok = ok
        self.error = error
        self.code = code
        self.status = status
        self.entry = entry
        self.entries = entries
        self.done = done
    }
}

public struct ControlStatus: Codable, Sendable, Equatable {
    public var database: String
    public var node: String
    public var pid: Int32
    public var locked: Bool
    public var alwaysOn: Bool
}

/// A key with every current version (the display winner first), or a change streamed by watch.
public struct ControlEntry: Codable, Sendable, Equatable {
    public struct Version: Codable, Sendable, Equatable {
        public var id: String
        public var writer: String
        public var node: String?
        public var time: UInt64
        public var deleted: Bool
        /// Base64; nil for a deletion.
        public var value: String?
    }

    public var key: String
    public var versions: [Version]
}

public struct ControlSummary: Codable, Sendable, Equatable {
    public var key: String
    public var value: String?
    public var versions: Int
    public var time: UInt64
}

extension ControlEntry {
    init(_ detail: EntryDetail) {
        key = detail.key
        versions = detail.versions.map {
            Version(id: $0.id.description, writer: $0.writer.hex, node: $0.writerName, time: $0.timestamp, deleted: $0.isDeletion,
                    value: $0.value.map { Data($0).base64EncodedString() })
        }
    }

    /// The entry as the engine describes it (nil when a field does not decode).
    public var detail: EntryDetail? {
        var list: [EntryVersion] = []
        for version in versions {
            guard let writer = PublicKey(hex: version.writer), let index = version.id.split(separator: ":").last.flatMap({ UInt64($0) }) else {
                return nil
            }
            let value = version.value.flatMap { Data(base64Encoded: $0) }.map { [UInt8]($0) }
            list.append(EntryVersion(value: version.deleted ? nil : value ?? [], writer: writer, writerName: version.node,
                                     timestamp: version.time, index: index))
        }
        return EntryDetail(key: key, versions: list)
    }
}

extension ControlSummary {
    init(_ summary: EntrySummary) {
        key = summary.key
        value = summary.value.map { Data($0).base64EncodedString() }
        versions = summary.versionCount
        time = summary.timestamp
    }

    public var summary: EntrySummary {
        EntrySummary(key: key, value: value.flatMap { Data(base64Encoded: $0) }.map { [UInt8]($0) }, versionCount: versions, timestamp: time)
    }
}
