import Foundation
import GRDB

extension HyphaDatabase {
    /// Every current version of `key`, the display winner first; nil when the key was never
    /// written. Needs the keys: values are stored encrypted.
    public func entry(_ key: String) throws -> EntryDetail? {
        try withUnlockedKeys { identity in try entry(key, identity: identity) }
    }

    private func entry(_ key: String, identity: IdentityKeys) throws -> EntryDetail? {
        try writer.read { db -> EntryDetail? in
            let heads = try ViewRegister.heads(db, key: key)
            guard !heads.isEmpty else { return nil }
            let writers = try writerKeys(db)
            let names = try MembershipState.load(db).additions
            let live = heads.filter { !$0.tombstone }
            let winner = ViewRegister.displayWinner(live.isEmpty ? heads : live) { writers[$0] }
            let ordered = [winner] + heads.filter { $0.writerID != winner.writerID || $0.index != winner.index }
                .sorted { ($0.timestamp, $0.index) > ($1.timestamp, $1.index) }
            let versions = try ordered.map { head -> EntryVersion in
                guard let writerKey = writers[head.writerID] else { throw StoreError.corrupt("unknown writer row \(head.writerID)") }
                let value = head.tombstone ? nil : try decryptValue(db, writerID: head.writerID, writerKey: writerKey,
                                                                     index: head.index, dataKey: identity.dataKey)
                return EntryVersion(value: value, writer: writerKey, writerName: names[writerKey]?.name,
                                    timestamp: head.timestamp, index: head.index)
            }
            return EntryDetail(key: key, versions: versions)
        }
    }

    /// Live keys in key order (byte order of UTF-8), starting after `after`, with the display
    /// winner's value when `values` is true (needs the keys).
    public func list(prefix: String = "", after: String? = nil, limit: Int = 100, values: Bool = true) throws -> [EntrySummary] {
        guard values else { return try list(prefix: prefix, after: after, limit: limit, dataKey: nil) }
        return try withUnlockedKeys { try list(prefix: prefix, after: after, limit: limit, dataKey: $0.dataKey) }
    }

    private func list(prefix: String, after: String?, limit: Int, dataKey: SecureBytes?) throws -> [EntrySummary] {
        try writer.read { db in
            let (sql, arguments) = Self.keyPage("SELECT key, heads, winner_writer, winner_idx, winner_tombstone, ts FROM view_entries WHERE live > 0",
                                                prefix: prefix, after: after, limit: limit)
            let writers = dataKey == nil ? [:] : try writerKeys(db)
            return try Row.fetchAll(db, sql: sql, arguments: arguments).map { row in
                var value: [UInt8]?
                if let dataKey, !(row["winner_tombstone"] as Bool) {
                    let id: Int64 = row["winner_writer"]
                    if let key = writers[id] {
                        value = try decryptValue(db, writerID: id, writerKey: key,
                                                 index: UInt64(bitPattern: row["winner_idx"]), dataKey: dataKey)
                    }
                }
                return EntrySummary(key: row["key"], value: value, versionCount: row["heads"], timestamp: UInt64(bitPattern: row["ts"]))
            }
        }
    }

    /// Number of live keys (with `prefix`).
    public func count(prefix: String = "") throws -> Int {
        try writer.read { db in
            if prefix.isEmpty { return try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM view_entries WHERE live > 0") ?? 0 }
            return try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM view_entries WHERE live > 0 AND key >= ? AND key < ?",
                                    arguments: [prefix, prefix + "\u{10FFFF}"]) ?? 0
        }
    }

    /// Keys currently in conflict (several concurrent versions).
    public func conflicts(limit: Int = 1000) throws -> [String] {
        try writer.read { db in
            try String.fetchAll(db, sql: "SELECT key FROM view_entries WHERE heads > 1 ORDER BY key LIMIT ?", arguments: [limit])
        }
    }

    /// Every writer the membership or the stored logs know, in a stable order.
    public func writers() throws -> [WriterInfo] {
        try writer.read { db in
            let membership = try MembershipState.load(db)
            let forks = try ForkRecords.firstForkIndex(db)
            var applied: [Int64: UInt64] = [:]
            for row in try Row.fetchAll(db, sql: "SELECT writer_id, applied FROM view_state") {
                applied[row["writer_id"]] = UInt64(bitPattern: row["applied"])
            }
            var infos: [PublicKey: WriterInfo] = [:]
            let caps = try LogQuarantine.caps(db)
            for log in try LogStore.allWriters(db) {
                // A row created for a refused log of a writer nobody added holds nothing to show.
                if log.length == 0, forks[log.id] == nil, membership.status(of: log.key) == .unknown { continue }
                var effective = try membership.acceptedLength(db, of: log.key, forkedAt: forks[log.id])
                effective = min(effective, caps[log.id] ?? .max)
                let accepted: UInt64? = effective == .max ? nil : effective
                infos[log.key] = WriterInfo(key: log.key, name: membership.additions[log.key]?.name,
                                            addedBy: membership.additions[log.key]?.addedBy, status: membership.status(of: log.key),
                                            length: log.length, appliedLength: applied[log.id] ?? 0,
                                            acceptedLength: accepted, forkedAt: forks[log.id])
            }
            for key in Set(membership.additions.keys).union(membership.removals.keys) where infos[key] == nil {
                infos[key] = WriterInfo(key: key, name: membership.additions[key]?.name, addedBy: membership.additions[key]?.addedBy,
                                        status: membership.status(of: key), length: 0, appliedLength: 0,
                                        acceptedLength: membership.status(of: key) == .removed ? 0 : nil, forkedAt: nil)
            }
            return infos.values.sorted { ($0.name ?? "~", $0.key.hex) < ($1.name ?? "~", $1.key.hex) }
        }
    }

    /// The status of one writer key.
    public func status(of key: PublicKey) throws -> WriterStatus {
        try writer.read { db in try MembershipState.load(db).status(of: key) }
    }

    /// Every stored log with its blocks and latest signature, for independent verification.
    public func exportLogs() throws -> [LogExport] {
        try writer.read { db in
            try LogStore.allWriters(db).compactMap { log in
                guard let head = log.head else { return nil }
                return LogExport(writer: log.key, length: log.length, treeHash: head.treeHash, signature: head.signature,
                                 blocks: try LogStore.blocks(db, writerID: log.id, range: 0..<log.length))
            }
        }
    }

    /// The latest signed head of every stored log.
    public func heads() throws -> [LogHead] {
        try writer.read { db in
            try LogStore.allWriters(db).compactMap { log in log.head.map { LogHead(writer: log.key, signed: $0) } }
        }
    }

    /// Blocks [start, end) of a log as chunks that each end at a stored signed length, carry
    /// every signed length they span, and hold at most `maxBytes` of blocks (a single larger
    /// batch is sent whole). The last chunk may extend past `end` to reach a signed length.
    public func chunks(writer key: PublicKey, start: UInt64, end: UInt64, maxBytes: Int) throws -> [LogChunk] {
        try writer.read { db in
            guard let log = try LogStore.writer(db, key: key), start < log.length, start < end else { return [] }
            var chunks: [LogChunk] = []
            var current = LogChunk(writer: key, start: start, blocks: [], signatures: [])
            var bytes = 0
            for tree in try LogStore.signedTrees(db, writerID: log.id, lengths: (start + 1)...log.length) {
                let blocks = try LogStore.blocks(db, writerID: log.id, range: current.end..<tree.length)
                let size = blocks.reduce(0) { $0 + $1.count }
                if !current.blocks.isEmpty && bytes + size > maxBytes {
                    chunks.append(current)
                    current = LogChunk(writer: key, start: current.end, blocks: [], signatures: [])
                    bytes = 0
                }
                current.blocks += blocks
                current.signatures.append(tree)
                bytes += size
                if current.end >= end { break }
            }
            if !current.blocks.isEmpty { chunks.append(current) }
            return chunks
        }
    }

    /// Blocks refused on arrival, newest first.
    public func rejections(limit: Int = 50) throws -> [(writer: PublicKey, index: UInt64, reason: String, at: UInt64)] {
        try writer.read { db in
            try Row.fetchAll(db, sql: "SELECT writer_key, idx, reason, at FROM rejections ORDER BY id DESC LIMIT ?", arguments: [limit])
                .compactMap { row in
                    guard let key = PublicKey(bytes: [UInt8](row["writer_key"] as Data)) else { return nil }
                    return (key, UInt64(bitPattern: row["idx"]), row["reason"], UInt64(bitPattern: row["at"]))
                }
        }
    }

    /// Entries the view skipped, with reasons (undecryptable data, bad root signatures, …).
    public func invalidEntries() throws -> [(writer: PublicKey, index: UInt64, reason: String)] {
        try writer.read { db in
            let writers = try writerKeys(db)
            return try Row.fetchAll(db, sql: "SELECT writer_id, idx, reason FROM view_invalid ORDER BY writer_id, idx").compactMap { row in
                guard let key = writers[row["writer_id"]] else { return nil }
                return (key, UInt64(bitPattern: row["idx"]), row["reason"])
            }
        }
    }

    func writerKeys(_ db: Database) throws -> [Int64: PublicKey] {
        var keys: [Int64: PublicKey] = [:]
        for row in try Row.fetchAll(db, sql: "SELECT id, key FROM writers") {
            keys[row["id"]] = PublicKey(bytes: [UInt8](row["key"] as Data))
        }
        return keys
    }

    func decryptValue(_ db: Database, writerID: Int64, writerKey: PublicKey, index: UInt64, dataKey: SecureBytes) throws -> [UInt8]? {
        guard let block = try LogStore.block(db, writerID: writerID, index: index),
              case let .data(op) = try Entry.decode(block),
              let payload = op.open(database: databaseID, writer: writerKey, dataKey: dataKey) else {
            throw StoreError.corrupt("entry \(index) of \(writerKey.shortHex) no longer decrypts")
        }
        return payload.value
    }

    /// `query` (which ends in a WHERE clause on `view_entries`) narrowed to keys starting with
    /// `prefix` and after `after`, in key order, at most `limit`.
    static func keyPage(_ query: String, prefix: String, after: String?, limit: Int) -> (String, StatementArguments) {
        var sql = query
        var arguments: StatementArguments = []
        if !prefix.isEmpty {
            sql += " AND key >= ? AND key < ?"
            arguments += [prefix, prefix + "\u{10FFFF}"]
        }
        if let after {
            sql += " AND key > ?"
            arguments += [after]
        }
        sql += " ORDER BY key LIMIT ?"
        arguments += [limit]
        return (sql, arguments)
    }
}
