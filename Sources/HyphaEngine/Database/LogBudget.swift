import Foundation
import GRDB

/// The budget for logs that do not count (docs/PROTOCOL.md, "Budgets"): a writer nobody added
/// may have a log kept aside, enough for a self-authorisation, so that an add-writer for it can
/// arrive later; all such logs together stay within 64 MiB per database. The budget is read from
/// what is stored, so it holds across restarts.
enum LogBudget {
    static let maxUnknownLogs = 1024
    static let maxUnknownBlocks: UInt64 = 16
    static let maxUnknownBytes: UInt64 = 64 * 1024

    static func unknownLogsFull(_ db: Database, membership: MembershipState) throws -> Bool {
        let unknown = try Data.fetchAll(db, sql: "SELECT key FROM writers").lazy
            .compactMap { PublicKey(bytes: [UInt8]($0)) }.filter { membership.status(of: $0) == .unknown }.count
        return unknown >= maxUnknownLogs
    }

    /// How long an unknown writer's log may grow with `chunk` (whose blocks start at the log's
    /// end): at most 16 blocks and 64 KiB of block data in all.
    static func unknownLimit(log: WriterRecord, chunk: LogChunk) -> UInt64 {
        var length = log.length
        var bytes = log.roots.byteLength
        for block in chunk.blocks {
            guard length < maxUnknownBlocks, bytes + UInt64(block.count) <= maxUnknownBytes else { break }
            length += 1
            bytes += UInt64(block.count)
        }
        return length
    }

    static func reason(status: WriterStatus, forked: Bool) -> String {
        if forked { return "nothing at or after a fork point is stored" }
        switch status {
        case .removed: return "nothing after a removed writer's cut-off is stored"
        case .unknown: return "a writer nobody added is kept only within \(maxUnknownBlocks) blocks and \(maxUnknownBytes / 1024) KiB"
        case .authorised: return "not stored"
        }
    }
}

extension HyphaDatabase {
    /// How far it is worth asking peers for each stored log that does not all count here: a log
    /// of a writer nobody added one block beyond what is stored, while its budget has room (its
    /// stored length once the budget is reached),
    /// a removed writer's log up to its storage limit, a forked log up to the fork. Logs not
    /// listed have no ceiling.
    public func wantCeilings() throws -> [PublicKey: UInt64] {
        try writer.read { db in
            let membership = try MembershipState.load(db)
            let forks = try ForkRecords.firstForkIndex(db)
            var ceilings: [PublicKey: UInt64] = [:]
            for log in try LogStore.allWriters(db) {
                if let limit = membership.storageLimit(of: log.key, forkedAt: forks[log.id]) {
                    ceilings[log.key] = limit
                } else if membership.status(of: log.key) == .unknown {
                    let full = log.length >= LogBudget.maxUnknownBlocks || log.roots.byteLength >= LogBudget.maxUnknownBytes
                    // One block at a time: the budget is in bytes too, and blocks may be large.
                    ceilings[log.key] = full ? log.length : log.length + 1
                }
            }
            return ceilings
        }
    }
}
