import Foundation
import GRDB

/// One operation ever made on a key, as the history shows it.
public struct HistoryVersion: Sendable, Equatable {
    public var version: EntryVersion
    /// Whether it is one of the key's current versions.
    public var isCurrent: Bool
    /// The versions of this key it came directly after (its predecessors in causal order); two
    /// versions neither of which follows the other are concurrent: branches.
    public var follows: [VersionID]
}

extension HyphaDatabase {
    /// Every operation ever applied to `key` (puts and deletions), oldest first by causal order
    /// then time, with what each directly followed and which are current. Needs the keys.
    public func history(_ key: String) throws -> [HistoryVersion] {
        try withUnlockedKeys { identity in
            try writer.read { db in
                let writers = try writerKeys(db)
                let names = try MembershipState.load(db).additions
                let operations = try ViewRegister.history(db, key: key)
                let current = Set(try ViewRegister.heads(db, key: key).map { ViewBatch.Position(writerID: $0.writerID, index: $0.index) })
                var items: [(position: ViewBatch.Position, clock: VectorClock, version: EntryVersion)] = []
                for operation in operations {
                    let position = ViewBatch.Position(writerID: operation.writerID, index: operation.index)
                    guard let writerKey = writers[position.writerID] else { continue }
                    let value = operation.tombstone ? nil : try? decryptValue(db, writerID: position.writerID, writerKey: writerKey,
                                                                              index: position.index, dataKey: identity.dataKey)
                    items.append((position, try ViewClocks.clock(db, writerID: position.writerID, index: position.index),
                                  EntryVersion(value: value, writer: writerKey, writerName: names[writerKey]?.name,
                                               timestamp: operation.timestamp, index: position.index)))
                }
                func before(_ a: Int, _ b: Int) -> Bool { items[b].clock.covers(writer: items[a].position.writerID, index: items[a].position.index) }
                let order = items.indices.sorted { a, b in
                    if before(a, b) { return true }
                    if before(b, a) { return false }
                    return (items[a].version.timestamp, items[a].version.index) < (items[b].version.timestamp, items[b].version.index)
                }
                return order.map { b in
                    let past = items.indices.filter { $0 != b && before($0, b) }
                    let direct = past.filter { a in !past.contains { c in c != a && before(a, c) } }
                    return HistoryVersion(version: items[b].version, isCurrent: current.contains(items[b].position),
                                          follows: direct.map { items[$0].version.id })
                }
            }
        }
    }

    /// Keys whose every current version is a deletion (they can be found and brought back),
    /// in key order after `after`.
    public func deletedKeys(prefix: String = "", after: String? = nil, limit: Int = 100) throws -> [String] {
        try writer.read { db in
            let (sql, arguments) = Self.keyPage("SELECT key FROM view_entries WHERE live = 0", prefix: prefix, after: after, limit: limit)
            return try String.fetchAll(db, sql: sql, arguments: arguments)
        }
    }
}

/// The clocks the applier checkpoints (`view_clocks`), read back.
enum ViewClocks {
    /// The full vector clock of entry `index` of a log: its latest checkpoint at or before it,
    /// with its own position.
    static func clock(_ db: Database, writerID: Int64, index: UInt64) throws -> VectorClock {
        var clock = VectorClock()
        if let data = try Data.fetchOne(db.cachedStatement(sql: """
            SELECT clock FROM view_clocks WHERE writer_id = ? AND idx <= ? ORDER BY idx DESC LIMIT 1
            """), arguments: [writerID, Int64(bitPattern: index)]) {
            clock = try VectorClock(encoded: [UInt8](data))
        }
        clock[writerID] = index + 1
        return clock
    }
}
