import Foundation
import GRDB

/// Limits of the approver's request queue, as docs/PROTOCOL.md states them.
public struct AuthorisationQueueLimits: Sendable {
    public var maximumPending = 8
    public var maximumAdmittedPerHour = 30
    /// A pending request expires this long after it was first received (10 minutes).
    public var lifetime: EpochMilliseconds = 10 * 60 * 1000
    /// Answered and expired rows are kept this long past their expiry (for `hypha requests`
    /// history and the hourly limit), then pruned.
    public var retention: EpochMilliseconds = 24 * 60 * 60 * 1000

    public init() {}
}

public enum AdmissionRefusal: Sendable, Equatable {
    case queueFull
    case hourlyLimit
}

public enum AdmissionResult: Sendable, Equatable {
    /// A new pending entry; `superseded` is the same device's older pending request, if any.
    case admitted(AuthorisationRecord, superseded: RequestID?)
    /// The request id is already known (a re-send); nothing changed.
    case duplicate(AuthorisationRecord)
    case refused(AdmissionRefusal)
}

/// The approver's queue of authorisation requests, persisted in `authorisation_request` so that
/// CLI processes beside the node (`hypha requests`, `authorise ID`, `deny ID`) can list and
/// answer them. Rules:
/// - keyed by request id: a re-sent request with a known id never makes a new entry;
/// - at most `maximumPending` pending, at most `maximumAdmittedPerHour` admitted per hour;
/// - at most one pending per device key: a newer request from the same key (which only the
///   holder of that device key can sign) supersedes the older one, so a joiner that restarted
///   is not locked out for ten minutes; approving the superseded id then fails and never
///   approves the newer one;
/// - pending requests expire `lifetime` after receipt;
/// - approving or denying names one request id and changes that row only.
/// Deciding writes the decision; the node process polls `repliesToSend()`, appends the
/// root-signed add-writer for approvals, sends Granted/Denied and calls `markReplySent`.
///
/// Thread- and process-safe: every operation is one SQLite transaction.
public final class AuthorisationRequests: Sendable {
    public let limits: AuthorisationQueueLimits
    private let writer: any DatabaseWriter
    private let now: @Sendable () -> EpochMilliseconds
    private static let table = EphemeralSchema.authorisationRequestsTable
    private static let hour: EpochMilliseconds = 60 * 60 * 1000

    public init(writer: any DatabaseWriter, limits: AuthorisationQueueLimits = AuthorisationQueueLimits(),
                now: @escaping @Sendable () -> EpochMilliseconds = EphemeralTiming.systemClock) {
        self.writer = writer
        self.limits = limits
        self.now = now
    }

    /// Queues a verified request (the node calls this for each received Request).
    public func admit(_ request: VerifiedAuthorisationRequest) throws -> AdmissionResult {
        try transaction { db, now in
            if let existing = try Self.fetch(db, request.requestID) { return .duplicate(existing) }
            let hourAgo = now >= Self.hour ? now - Self.hour : 0
            let admittedLastHour = try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM \(Self.table) WHERE received_at > ?",
                                                    arguments: [EphemeralTiming.sqlite(hourAgo)]) ?? 0
            guard admittedLastHour < limits.maximumAdmittedPerHour else { return .refused(.hourlyLimit) }
            let key = Data(request.deviceKey.bytes)
            let pendingOthers = try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM \(Self.table) WHERE state = 'pending' AND device_key != ?",
                                                 arguments: [key]) ?? 0
            guard pendingOthers < limits.maximumPending else { return .refused(.queueFull) }
            let superseded = try Data.fetchOne(db, sql: "SELECT request_id FROM \(Self.table) WHERE state = 'pending' AND device_key = ?",
                                               arguments: [key]).flatMap { RequestID(bytes: [UInt8]($0)) }
            try db.execute(sql: "UPDATE \(Self.table) SET state = 'superseded', decided_at = ? WHERE state = 'pending' AND device_key = ?",
                           arguments: [EphemeralTiming.sqlite(now), key])
            try db.execute(sql: """
                INSERT INTO \(Self.table) (request_id, device_key, node_name, proof, code, state, received_at, expires_at)
                VALUES (?, ?, ?, ?, ?, 'pending', ?, ?)
                """, arguments: [Data(request.requestID.bytes), key, Data(request.message.nodeName.utf8),
                                 Data(request.message.proof), request.code.formatted,
                                 EphemeralTiming.sqlite(now), EphemeralTiming.sqlite(now &+ limits.lifetime)])
            guard let record = try Self.fetch(db, request.requestID) else { throw DatabaseError(message: "inserted row vanished") }
            return .admitted(record, superseded: superseded)
        }
    }

    /// Pending requests, oldest first (expiring overdue ones first).
    public func pending() throws -> [AuthorisationRecord] {
        try transaction { db, now in
            return try Self.fetchAll(db, sql: "WHERE state = 'pending' ORDER BY received_at, request_id")
        }
    }

    /// Every kept request, newest first.
    public func recent(limit: Int = 100) throws -> [AuthorisationRecord] {
        try transaction { db, now in
            return try Self.fetchAll(db, sql: "ORDER BY received_at DESC, request_id LIMIT ?", arguments: [limit])
        }
    }

    public func record(_ id: RequestID) throws -> AuthorisationRecord? {
        try transaction { db, now in
            return try Self.fetch(db, id)
        }
    }

    /// Turns what a person typed (a full id or a unique prefix of at least 6 hex digits) into
    /// the id of a kept request.
    public func resolve(_ text: String) throws -> RequestID {
        let typed = text.trimmingWhitespace().lowercased()
        guard typed.count >= 6, typed.count <= 2 * RequestID.length, Hex.decode(typed + (typed.count % 2 == 1 ? "0" : "")) != nil else {
            throw EphemeralError.invalidRequestID(text)
        }
        let matches = try writer.read { db in
            try Data.fetchAll(db, sql: "SELECT request_id FROM \(Self.table) WHERE substr(lower(hex(request_id)), 1, ?) = ? LIMIT 2",
                              arguments: [typed.count, typed])
        }
        guard matches.count < 2 else { throw EphemeralError.ambiguousRequestID(prefix: typed, matches: matches.count) }
        guard let match = matches.first, let id = RequestID(bytes: [UInt8](match)) else { throw EphemeralError.unknownRequest(typed) }
        return id
    }

    /// Approves exactly `id`. When `code` is given it must equal the request's code; a mismatch
    /// changes nothing. Returns the approved record, whose device key is the one to add.
    @discardableResult
    public func approve(_ id: RequestID, code: VerificationCode? = nil) throws -> AuthorisationRecord {
        try decide(id, state: .approved, reason: nil, code: code)
    }

    /// Denies exactly `id`.
    @discardableResult
    public func deny(_ id: RequestID, reason: String = "denied") throws -> AuthorisationRecord {
        try decide(id, state: .denied, reason: AuthorisationDenial(requestID: id, reason: reason).reason, code: nil)
    }

    /// Decisions whose Granted/Denied message has not been sent yet, oldest first.
    public func repliesToSend() throws -> [AuthorisationRecord] {
        try writer.read { db in
            try Self.fetchAll(db, sql: "WHERE state IN ('approved', 'denied') AND reply_sent = 0 ORDER BY decided_at, request_id")
        }
    }

    public func markReplySent(_ id: RequestID) throws {
        try writer.write { db in
            try db.execute(sql: "UPDATE \(Self.table) SET reply_sent = 1 WHERE request_id = ?", arguments: [Data(id.bytes)])
        }
    }

    /// Marks pending requests past their expiry as expired; returns their ids.
    @discardableResult
    public func expireOverdue() throws -> [RequestID] {
        let now = self.now()
        return try writer.write { db in try Self.expireOverdue(db, now: now) }
    }

    /// Deletes non-pending rows whose expiry is older than the retention; returns how many.
    @discardableResult
    public func prune() throws -> Int {
        try transaction { db, now in
            let cutoff = now >= limits.retention ? now - limits.retention : 0
            try db.execute(sql: "DELETE FROM \(Self.table) WHERE state != 'pending' AND expires_at < ?",
                           arguments: [EphemeralTiming.sqlite(cutoff)])
            return db.changesCount
        }
    }

    /// One SQLite transaction that first marks overdue pending requests expired, so every
    /// answer reflects expiry whoever (node or CLI) last touched the table.
    private func transaction<T>(_ body: (Database, EpochMilliseconds) throws -> T) throws -> T {
        let now = self.now()
        return try writer.write { db in
            try Self.expireOverdue(db, now: now)
            return try body(db, now)
        }
    }

    private enum Outcome { case decided(AuthorisationRecord), refused(Error) }

    private func decide(_ id: RequestID, state: AuthorisationState, reason: String?, code: VerificationCode?) throws -> AuthorisationRecord {
        try decide(id, state: state, reason: reason, code: code) { _, _ in }
    }

    /// Decides exactly `id` in one transaction: the row must be pending (overdue rows expire
    /// first) and, when `code` is given, carry that code; `alsoDo` runs in the same transaction
    /// before the row changes (the node appends the root-signed approval or denial there, so a
    /// check and its append can never be separated). A refusal commits the expiry bookkeeping
    /// and is thrown after the commit.
    func decide(_ id: RequestID, state: AuthorisationState, reason: String?, code: VerificationCode?,
                alsoDo: (Database, AuthorisationRecord) throws -> Void) throws -> AuthorisationRecord {
        let outcome: Outcome = try transaction { db, now in
            guard let row = try Self.fetch(db, id) else { return .refused(EphemeralError.unknownRequest(id.hex)) }
            guard row.state == .pending else {
                return .refused(row.state == .expired ? EphemeralError.requestExpired(id: id.hex)
                                                      : EphemeralError.requestNotPending(id: id.hex, state: row.state))
            }
            if let code, code != row.code { return .refused(EphemeralError.codeMismatch(id: id.hex)) }
            do {
                try db.inSavepoint {
                    try alsoDo(db, row)
                    return .commit
                }
            } catch let error as UserFacingError {
                return .refused(error)
            }
            try db.execute(sql: """
                UPDATE \(Self.table) SET state = ?, decided_at = ?, deny_reason = ?
                WHERE request_id = ? AND state = 'pending'
                """, arguments: [state.rawValue, EphemeralTiming.sqlite(now), reason, Data(id.bytes)])
            guard db.changesCount == 1, let decided = try Self.fetch(db, id) else { return .refused(EphemeralError.unknownRequest(id.hex)) }
            return .decided(decided)
        }
        switch outcome {
        case let .decided(record): return record
        case let .refused(error): throw error
        }
    }

    /// Closes pending requests answered elsewhere: `answered(row)` returns the state a row
    /// takes (approved when its device became a writer, denied when the request was denied in
    /// the database) or nil to leave it. No reply is sent for these: the node that answered
    /// sends it. Returns the closed ids.
    @discardableResult
    public func closeAnswered(_ answered: (AuthorisationRecord) -> AuthorisationState?) throws -> [RequestID] {
        try transaction { db, now in
            var closed: [RequestID] = []
            for row in try Self.fetchAll(db, sql: "WHERE state = 'pending'") {
                guard let state = answered(row) else { continue }
                try db.execute(sql: """
                    UPDATE \(Self.table) SET state = ?, decided_at = ?, reply_sent = 1 WHERE request_id = ? AND state = 'pending'
                    """, arguments: [state.rawValue, EphemeralTiming.sqlite(now), Data(row.requestID.bytes)])
                closed.append(row.requestID)
            }
            return closed
        }
    }

    @discardableResult
    private static func expireOverdue(_ db: Database, now: EpochMilliseconds) throws -> [RequestID] {
        let due = EphemeralTiming.sqlite(now)
        let ids = try Data.fetchAll(db, sql: "SELECT request_id FROM \(table) WHERE state = 'pending' AND expires_at <= ?", arguments: [due])
        guard !ids.isEmpty else { return [] }
        try db.execute(sql: "UPDATE \(table) SET state = 'expired', decided_at = ? WHERE state = 'pending' AND expires_at <= ?",
                       arguments: [due, due])
        return ids.compactMap { RequestID(bytes: [UInt8]($0)) }
    }

    private static func fetch(_ db: Database, _ id: RequestID) throws -> AuthorisationRecord? {
        try fetchAll(db, sql: "WHERE request_id = ?", arguments: [Data(id.bytes)]).first
    }

    private static func fetchAll(_ db: Database, sql clause: String, arguments: StatementArguments = []) throws -> [AuthorisationRecord] {
        try Row.fetchAll(db, sql: "SELECT * FROM \(table) \(clause)", arguments: arguments).map(AuthorisationRecord.init(row:))
    }
}

extension AuthorisationRecord {
    /// The message the node sends once this request is decided (Granted for approved, Denied
    /// for denied), or nil while it is not.
    public var reply: (type: EphemeralMessageType, body: [UInt8])? {
        switch state {
        case .approved: return (.authorisationGranted, AuthorisationGrant(requestID: requestID, writerKey: deviceKey).encoded)
        case .denied: return (.authorisationDenied, AuthorisationDenial(requestID: requestID, reason: denyReason ?? "denied").encoded)
        case .pending, .expired, .superseded: return nil
        }
    }
}
