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
}
