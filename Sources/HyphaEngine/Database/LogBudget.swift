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
