import Foundation
import GRDB

/// The persistent seen-set, in table `ephemeral_seen_message` (see `EphemeralSchema`); it
/// survives restarts, so an envelope replayed after one is still dropped.
public final class GRDBSeenMessageStore: SeenMessageStore {
    private let writer: any DatabaseWriter
    private static let table = EphemeralSchema.seenMessagesTable

    public init(writer: any DatabaseWriter) {
        self.writer = writer
    }

    public func contains(_ id: MessageID) throws -> Bool {
        try writer.read { db in
            try Bool.fetchOne(db, sql: "SELECT EXISTS(SELECT 1 FROM \(Self.table) WHERE message_id = ?)",
                              arguments: [Data(id.bytes)]) ?? false
        }
    }

    public func insert(_ id: MessageID, expiresAt: EpochMilliseconds) throws -> Bool {
        try writer.write { db in
            try db.execute(sql: "INSERT OR IGNORE INTO \(Self.table) (message_id, expires_at) VALUES (?, ?)",
                           arguments: [Data(id.bytes), EphemeralTiming.sqlite(expiresAt)])
            return db.changesCount == 1
        }
    }

    @discardableResult public func removeExpired(now: EpochMilliseconds) throws -> Int {
        try writer.write { db in
            try db.execute(sql: "DELETE FROM \(Self.table) WHERE expires_at < ?", arguments: [EphemeralTiming.sqlite(now)])
            return db.changesCount
        }
    }

    public func count() throws -> Int {
        try writer.read { db in try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM \(Self.table)") ?? 0 }
    }
}
