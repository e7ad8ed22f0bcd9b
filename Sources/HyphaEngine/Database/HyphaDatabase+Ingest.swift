import Foundation
import GRDB

extension HyphaDatabase {
    /// Verifies a chunk received for a log against the stored prefix and the writer's
    /// signatures, stores it, indexes membership and applies what is ready. Never trusts the
    /// sender: bad data is refused with a reason and nothing of it is stored.
    public func ingest(_ chunk: LogChunk) throws -> IngestOutcome {
        if let refusal = Self.precheck(chunk) {
            try recordRejection(writer: chunk.writer, index: chunk.start, reason: refusal)
            return .rejected(reason: refusal)
        }
        let dataKey = self.dataKey
        var stored = false
        let outcome = try writer.write { db -> IngestOutcome in
            let existing = try LogStore.writer(db, key: chunk.writer)
            if existing == nil, try unknownWritersFull(db, adding: chunk.writer) {
                return .rejected(reason: "too many logs from writers nobody added are already kept aside")
            }
            var log = try existing ?? LogStore.writerOrCreate(db, key: chunk.writer)
            guard chunk.start <= log.length else {
                return .rejected(reason: "the blocks start at \(chunk.start) but only \(log.length) are stored")
            }
            var fresh = chunk
            if chunk.start < log.length {
                // Overlap: identical blocks are skipped; a difference is a fork (both versions
                // signed) or bad data.
                let overlap = Int(min(log.length - chunk.start, UInt64(chunk.blocks.count)))
                let ours = try LogStore.blocks(db, writerID: log.id, range: chunk.start..<(chunk.start + UInt64(overlap)))
                if let differing = ours.indices.first(where: { ours[$0] != chunk.blocks[$0] }) {
                    return try investigateFork(db, log: log, chunk: chunk, index: chunk.start + UInt64(differing),
                                               ours: ours[differing], dataKey: dataKey)
                }
                // Their log is ours plus the rest, so verifying the rest on top of our roots
                // checks the whole chunk.
                fresh.blocks = Array(chunk.blocks[overlap...])
                fresh.start = log.length
                fresh.signatures = chunk.signatures.filter { $0.length > log.length }
                if fresh.blocks.isEmpty { return .alreadyHave }
            }
            if log.length >= Self.maxUnknownWriterBlocks, try MembershipState.load(db).status(of: chunk.writer) == .unknown {
                return .rejected(reason: "the log of a writer nobody added is kept aside only up to \(Self.maxUnknownWriterBlocks) blocks")
            }
            let extended: MerkleRoots
            do {
                extended = try Self.verify(fresh, on: log.roots)
            } catch {
                // A valid signature over a tree our prefix cannot reach: a fork before the
                // chunk, or garbage. With the whole log from 0 we can tell which.
                if log.length > 0 && chunk.start > 0 { return .needsFullLog }
                return .rejected(reason: "\(error)")
            }
            let appendStart = log.length
            try LogStore.append(db, writer: &log, blocks: fresh.blocks, roots: extended, signatures: fresh.signatures)
            try MembershipState.extract(db, database: databaseID, writerID: log.id, start: appendStart, blocks: fresh.blocks)
            if let dataKey {
                _ = try applyView(db, dataKey: dataKey, preloaded: (log.id, appendStart, fresh.blocks))
            }
            stored = true
            return .stored(newLength: extended.length)
        }
        if case let .rejected(reason) = outcome { try recordRejection(writer: chunk.writer, index: chunk.start, reason: reason) }
        if stored, let head = chunk.signatures.last {
            notify(DatabaseChange(heads: [LogHead(writer: chunk.writer, signed: head)], viewChanged: dataKey != nil, membershipChanged: true))
        }
        return outcome
    }

    /// Checks that need no database: sizes, counts, signed lengths, the last signature.
    static func precheck(_ chunk: LogChunk) -> String? {
        if chunk.blocks.isEmpty { return "no blocks" }
        if chunk.blocks.count > 65_536 { return "too many blocks in one chunk (\(chunk.blocks.count))" }
        if chunk.blocks.contains(where: { $0.count > EntryLimits.maxBlockBytes }) { return "a block is larger than \(EntryLimits.maxBlockBytes) bytes" }
        let (end, overflow) = chunk.start.addingReportingOverflow(UInt64(chunk.blocks.count))
        guard !overflow, let last = chunk.signatures.last, last.length == end else { return "the blocks do not end at a signed length" }
        if end > LogStore.maxLength { return "a log longer than \(LogStore.maxLength) blocks" }
        var previous = chunk.start
        for tree in chunk.signatures {
            if tree.length <= previous || tree.length > end { return "signed lengths out of order" }
            if tree.treeHash.count != 32 || tree.signature.count != 64 { return "malformed signed tree" }
            previous = tree.length
        }
        if !last.verify(writer: chunk.writer) { return "the signature is not the writer's" }
        return nil
    }

    /// Extends `roots` with the chunk's blocks, checking the writer's signature at every
    /// signed length on the way; returns the roots at the chunk's end.
    static func verify(_ chunk: LogChunk, on roots: MerkleRoots) throws -> MerkleRoots {
        var roots = roots
        var at = 0
        let verifier = LogVerifier(writer: chunk.writer)
        for tree in chunk.signatures {
            let count = Int(tree.length - chunk.start) - at
            roots.append(blocks: chunk.blocks[at..<(at + count)])
            at += count
            try verifier.check(tree, against: roots)
        }
        return roots
    }

    /// Blocks at `index` differ from ours: if their chunk verifies on top of our prefix, the
    /// writer signed two different logs (a fork proof, recorded and reported); otherwise the
    /// difference may start before the chunk (ask for the whole log) or the data is bad.
    private func investigateFork(_ db: Database, log: WriterRecord, chunk: LogChunk, index: UInt64, ours: [UInt8],
                                 dataKey: SecureBytes?) throws -> IngestOutcome {
        do {
            _ = try Self.verify(chunk, on: try LogStore.roots(db, writerID: log.id, length: chunk.start))
        } catch {
            return chunk.start > 0 ? .needsFullLog : .rejected(reason: "\(error)")
        }
        guard let ourHead = log.head, let theirHead = chunk.signatures.last else { return .rejected(reason: "no signed head") }
        if let known = try ForkRecords.firstForkIndex(db)[log.id], known <= index { return .alreadyHave }
        try ForkRecords.record(db, writerID: log.id, index: index, ours: ours, theirs: chunk.blocks[Int(index - chunk.start)],
                               ourSigned: ourHead, theirSigned: theirHead, at: now())
        // What counts changed in ways that are not monotone (operations in the forked part no
        // longer count): rebuild rather than patch.
        _ = try rebuildView(db, dataKey: dataKey)
        return .forkRecorded(index: index)
    }

    private func unknownWritersFull(_ db: Database, adding key: PublicKey) throws -> Bool {
        let membership = try MembershipState.load(db)
        guard membership.status(of: key) == .unknown else { return false }
        let unknown = try LogStore.allWriters(db).filter { membership.status(of: $0.key) == .unknown }.count
        return unknown >= Self.maxUnknownWriters
    }

    /// Keeps the newest 1000 rejections, for `hypha log` and the UI.
    func recordRejection(writer: PublicKey, index: UInt64, reason: String) throws {
        try self.writer.write { db in
            try db.execute(sql: "INSERT INTO rejections (writer_key, idx, reason, at) VALUES (?, ?, ?, ?)",
                           arguments: [Data(writer.bytes), Int64(bitPattern: index), reason, Int64(bitPattern: now())])
            try db.execute(sql: "DELETE FROM rejections WHERE id <= (SELECT MAX(id) FROM rejections) - 1000")
        }
    }
}
