import Foundation
import GRDB

extension HyphaDatabase {
    /// Verifies a chunk received for a log against the stored prefix and the writer's
    /// signatures, stores what may be stored, indexes membership and applies what is ready.
    /// Never trusts the sender: bad data is refused with a reason and nothing of it is stored.
    ///
    /// Order of checks (docs/PROTOCOL.md, "Receiving a chunk"): shape and the last signature
    /// (no database needed); the budget for logs that do not count; overlap with stored blocks
    /// (a difference under valid signatures is a fork); what membership lets us store (nothing
    /// at or after a fork, after a cut-off, beyond the budget of an unknown writer); the tree
    /// hash and signature at every signed length of what is kept.
    public func ingest(_ chunk: LogChunk) throws -> IngestOutcome {
        if let refusal = Self.precheck(chunk) {
            try recordRejection(writer: chunk.writer, index: chunk.start, reason: refusal)
            return .rejected(reason: refusal)
        }
        var stored: (head: SignedTree, membership: Bool, keys: [String]?)?
        let outcome = try withDataKey { dataKey in
            try writer.write { db -> IngestOutcome in
                let (outcome, kept) = try ingest(db, chunk: chunk, dataKey: dataKey)
                stored = kept
                return outcome
            }
        }
        if case let .rejected(reason) = outcome { try recordRejection(writer: chunk.writer, index: chunk.start, reason: reason) }
        if let stored {
            notify(DatabaseChange(heads: [LogHead(writer: chunk.writer, signed: stored.head)], viewChanged: isUnlocked,
                                  membershipChanged: stored.membership, keys: stored.keys))
        } else if case .forkRecorded = outcome {
            notify(DatabaseChange(heads: [], viewChanged: true, membershipChanged: true))
        }
        return outcome
    }

    private func ingest(_ db: Database, chunk: LogChunk, dataKey: SecureBytes?) throws -> (IngestOutcome, (SignedTree, Bool, [String]?)?) {
        let membership = try MembershipState.load(db)
        let status = membership.status(of: chunk.writer)
        let existing = try LogStore.writer(db, key: chunk.writer)
        if existing == nil, status == .unknown, try LogBudget.unknownLogsFull(db, membership: membership) {
            return (.notCounted(reason: "the budget for logs of writers nobody added is full (\(LogBudget.maxUnknownLogs) logs)"), nil)
        }
        var log = try existing ?? LogStore.writerOrCreate(db, key: chunk.writer)
        guard chunk.start <= log.length else {
            // A gap here is never the sender's doing: a session passes on only chunks that follow
            // what it already passed on, so an earlier chunk of this log was not (all) kept (beyond
            // a budget, after a cut-off or a fork, or a fork to investigate) while this one was on
            // its way. Nothing is stored; the session stops or asks again as for that chunk.
            return (.alreadyHave, nil)
        }
        var fresh = chunk
        if chunk.start < log.length {
            // Overlap: identical blocks are skipped; a difference is a fork (both versions
            // signed) or bad data.
            let overlap = Int(min(log.length - chunk.start, UInt64(chunk.blocks.count)))
            let ours = try LogStore.blocks(db, writerID: log.id, range: chunk.start..<(chunk.start + UInt64(overlap)))
            if let differing = ours.indices.first(where: { ours[$0] != chunk.blocks[$0] }) {
                return (try investigateFork(db, log: log, chunk: chunk, index: chunk.start + UInt64(differing), dataKey: dataKey), nil)
            }
            // Their log is ours plus the rest, so verifying the rest on top of our roots
            // checks the whole chunk.
            fresh.blocks = Array(chunk.blocks[overlap...])
            fresh.start = log.length
            fresh.signatures = chunk.signatures.filter { $0.length > log.length }
            if fresh.blocks.isEmpty { return (.alreadyHave, nil) }
        }
        // Keep only what may be stored: a prefix ending at one of the chunk's signed lengths.
        let forks = try ForkRecords.firstForkIndex(db)
        let forked = forks[log.id] != nil
        if let limit = membership.storageLimit(of: chunk.writer, forkedAt: forks[log.id]) {
            guard let cut = fresh.prefix(endingBy: limit) else {
                return (.notCounted(reason: LogBudget.reason(status: status, forked: forked)), nil)
            }
            fresh = cut
        }
        var extended: MerkleRoots
        do {
            extended = try Self.verify(fresh, on: log.roots)
        } catch {
            // A valid signature over a tree our prefix cannot reach: a fork before the
            // chunk, or garbage. With the whole log from 0 we can tell which.
            if log.length > 0 && chunk.start > 0 { return (.needsFullLog, nil) }
            return (.rejected(reason: "\(error)"), nil)
        }
        // A writer nobody added is kept within a budget, unless the verified blocks themselves
        // make it a writer (a self-authorisation carried in its own log).
        let budget = LogBudget.unknownLimit(log: log, chunk: fresh)
        if status == .unknown, fresh.end > budget, try !authorisesItself(db, log: log, blocks: fresh.blocks) {
            guard let cut = fresh.prefix(endingBy: budget) else {
                return (.notCounted(reason: LogBudget.reason(status: status, forked: forked)), nil)
            }
            fresh = cut
            extended = log.roots
            extended.append(blocks: fresh.blocks)
        }
        let appendStart = log.length
        try LogStore.append(db, writer: &log, blocks: fresh.blocks, roots: extended, signatures: fresh.signatures)
        let carriesMembership = try MembershipIndex.extract(db, database: databaseID, writerID: log.id, start: appendStart, blocks: fresh.blocks) > 0
        // New membership, or blocks of a removed writer (its cut-off block may be among them).
        if carriesMembership || status == .removed { try LogPruning.enforce(db, database: databaseID) }
        // A writer nobody added has nothing to apply, unless it just became one.
        var changedKeys: [String]? = []
        if let dataKey, status != .unknown || carriesMembership {
            changedKeys = try applyView(db, dataKey: dataKey, preloaded: (log.id, appendStart, fresh.blocks)).keys
        }
        let head = fresh.signatures.last ?? chunk.signatures[chunk.signatures.count - 1]
        let outcome: IngestOutcome = fresh.end < chunk.end
            ? .notCounted(reason: LogBudget.reason(status: status, forked: forked))
            : .stored(newLength: extended.length)
        return (outcome, (head, carriesMembership || status == .removed, changedKeys))
    }

    /// Whether membership operations in `blocks` (verified, to be appended to `log`) make its
    /// writer authorised; tried in a savepoint that is rolled back.
    private func authorisesItself(_ db: Database, log: WriterRecord, blocks: [[UInt8]]) throws -> Bool {
        guard blocks.contains(where: { $0.count >= 2 && EntryKind(rawValue: $0[1])?.isMembership == true }) else { return false }
        var authorised = false
        try db.inSavepoint {
            try MembershipIndex.extract(db, database: databaseID, writerID: log.id, start: log.length, blocks: blocks, evidence: false)
            authorised = try MembershipState.load(db).status(of: log.key) == .authorised
            return .rollback
        }
        return authorised
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
    private func investigateFork(_ db: Database, log: WriterRecord, chunk: LogChunk, index: UInt64,
                                 dataKey: SecureBytes?) throws -> IngestOutcome {
        let prefix: MerkleRoots
        do {
            prefix = try LogStore.roots(db, writerID: log.id, length: chunk.start)
            _ = try Self.verify(chunk, on: prefix)
        } catch {
            return chunk.start > 0 ? .needsFullLog : .rejected(reason: "\(error)")
        }
        if let known = try ForkRecords.firstForkIndex(db)[log.id], known <= index { return .notCounted(reason: LogBudget.reason(status: .authorised, forked: true)) }
        guard let proof = try recordDetectedFork(db, log: log, chunk: chunk, index: index, dataKey: dataKey) else { return .alreadyHave }
        return .forkRecorded(proof)
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
