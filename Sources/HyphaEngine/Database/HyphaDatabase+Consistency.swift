import Foundation
import GRDB

extension HyphaDatabase {
    /// Whether a peer's head agrees with the log we hold for that writer: nil when we cannot
    /// tell cheaply (we hold fewer blocks, or no signature at that length), false when the
    /// same length has a different tree (a fork to investigate with the whole log).
    public func agrees(with head: LogHead) throws -> Bool? {
        try writer.read { db in
            guard let log = try LogStore.writer(db, key: head.writer), head.signed.length <= log.length else { return nil }
            if head.signed.length == log.length { return log.head?.treeHash == head.signed.treeHash }
            let ours = try LogStore.signedTrees(db, writerID: log.id, lengths: head.signed.length...head.signed.length).first
            return ours.map { $0.treeHash == head.signed.treeHash }
        }
    }

    /// Fork proofs held: writer, position, and both signed lengths.
    public func forks() throws -> [(writer: PublicKey, index: UInt64, ourLength: UInt64, theirLength: UInt64)] {
        try writer.read { db in
            let keys = try writerKeys(db)
            return try Row.fetchAll(db, sql: "SELECT writer_id, idx, our_length, their_length FROM forks ORDER BY writer_id, idx")
                .compactMap { row in
                    guard let key = keys[row["writer_id"]] else { return nil }
                    return (key, UInt64(bitPattern: row["idx"]), UInt64(bitPattern: row["our_length"]), UInt64(bitPattern: row["their_length"]))
                }
        }
    }
}
