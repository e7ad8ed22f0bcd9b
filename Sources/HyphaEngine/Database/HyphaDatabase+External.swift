import Foundation
import GRDB

/// Commits made by other processes on the same file (a command that wrote into the database
/// itself beside a running node): this instance's observers hear of them as of its own, with
/// the keys they changed, once `noticeExternalChanges()` is called (a running node does, when
/// SQLite's data_version says another connection committed).
extension HyphaDatabase {
    /// Tells observers about logs that grew beyond what this instance has announced: their new
    /// heads and the keys their new entries touch (when unlocked; nil keys otherwise).
    public func noticeExternalChanges() throws {
        let heads = try self.heads()
        let grown = seenHeads.withLock { seen -> [(head: LogHead, from: UInt64)] in
            defer { for head in heads { seen[head.writer] = max(seen[head.writer] ?? 0, head.signed.length) } }
            return heads.compactMap { head in
                let from = seen[head.writer] ?? 0
                return head.signed.length > from ? (head, from) : nil
            }
        }
        guard !grown.isEmpty else { return }
        let keys = try withDataKey { dataKey -> [String]? in
            guard let dataKey else { return nil }
            return try writer.read { db in
                try grown.flatMap { item -> [String] in
                    guard let log = try LogStore.writer(db, key: item.head.writer) else { return [] }
                    return try LogStore.blocks(db, writerID: log.id, range: item.from..<min(item.head.signed.length, log.length)).compactMap { block in
                        guard case let .data(op)? = try? Entry.decode(block) else { return nil }
                        return op.open(database: databaseID, writer: log.key, dataKey: dataKey)?.key
                    }
                }
            }
        }
        notifyObservers(DatabaseChange(heads: grown.map(\.head), viewChanged: true, membershipChanged: true, keys: keys))
    }
}
