import Foundation
import GRDB

/// Evidence that travels apart from the logs, so that every replica weighs it the same way:
/// - forks: a writer that signed two different blocks at one position. The node that finds one
///   records a self-contained proof; every node that receives it verifies and stores it and
///   stops counting (and storing) that log from the fork point on;
/// - removals: every remove-writer with a proof of where it is carried, because logs are cut
///   back at cut-offs while the removal labelling must see every removal.
extension HyphaDatabase {
    /// Every proven block held (removals first, then cut-off blocks), to give to every peer.
    public func provenBlocks() throws -> [ProvenBlock] {
        try writer.read { db in
            let all = try ProvenBlocks.all(db)
            return all.filter { $0.removal(database: databaseID) != nil } + all.filter { $0.removal(database: databaseID) == nil }
        }
    }

    /// Verifies and keeps a proven block from a peer: a block carrying a root-signed
    /// remove-writer, or the block at a known removal's cut-off (anything else is not kept, so
    /// a peer cannot make this node hold arbitrary blocks). True when it is new here.
    @discardableResult
    public func ingest(provenBlock proven: ProvenBlock) throws -> Bool {
        do {
            try proven.verify()
        } catch {
            throw StoreError.invalidEvidence("proven block: \(error)")
        }
        let recorded = try withDataKey { dataKey in
            try writer.write { db -> Bool in
                if proven.removal(database: databaseID) == nil {
                    let membership = try MembershipState.load(db)
                    let cutoffs = membership.removals[proven.writer]?.map(\.cutoffLength) ?? []
                    guard cutoffs.contains(proven.position + 1) else { return false }
                }
                guard try ProvenBlocks.store(db, proven, database: databaseID) else { return false }
                try LogPruning.enforce(db, database: databaseID)
                if let dataKey { _ = try applyView(db, dataKey: dataKey) }
                return true
            }
        }
        if recorded { notify(DatabaseChange(heads: [], viewChanged: true, membershipChanged: true)) }
        return recorded
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

    /// The proof of every forked log's first fork, to give to every peer.
    public func forkProofs() throws -> [ForkProof] {
        try writer.read { db in try ForkRecords.proofs(db) }
    }

    /// Verifies and stores a fork proof from a peer. True when it is new here (this node then
    /// stops counting that log from the fork on, and gives the proof to its other peers).
    @discardableResult
    public func ingest(forkProof proof: ForkProof) throws -> Bool {
        do {
            try proof.verify()
        } catch {
            throw StoreError.invalidEvidence("fork proof: \(error)")
        }
        let recorded = try withDataKey { dataKey in
            try writer.write { db -> Bool in
                let existing = try LogStore.writer(db, key: proof.writer)
                if let existing, let known = try ForkRecords.firstForkIndex(db)[existing.id], known <= proof.index { return false }
                if existing == nil {
                    let membership = try MembershipState.load(db)
                    if membership.status(of: proof.writer) == .unknown, try LogBudget.unknownLogsFull(db, membership: membership) {
                        return false
                    }
                }
                let log = try existing ?? LogStore.writerOrCreate(db, key: proof.writer)
                guard try ForkRecords.record(db, writerID: log.id, proof: proof, at: now()) else { return false }
                try forkChangedCounting(db, dataKey: dataKey)
                return true
            }
        }
        if recorded { notify(DatabaseChange(heads: [], viewChanged: true, membershipChanged: true)) }
        return recorded
    }

    /// Records the fork found while ingesting `chunk`: our stored log and the chunk (verified on
    /// our prefix, which it shares up to its start) differ first at `index`.
    func recordDetectedFork(_ db: Database, log: WriterRecord, chunk: LogChunk, index: UInt64, dataKey: SecureBytes?) throws -> ForkProof? {
        guard let ourHead = log.head, let theirHead = chunk.signatures.last else { return nil }
        let ours: BlockProof.BlockSource = { range in try LogStore.blocks(db, writerID: log.id, range: range) }
        let theirs: BlockProof.BlockSource = { range in
            let stored = range.lowerBound < chunk.start
                ? try LogStore.blocks(db, writerID: log.id, range: range.lowerBound..<min(range.upperBound, chunk.start)) : []
            let from = max(range.lowerBound, chunk.start), to = min(range.upperBound, chunk.end)
            return stored + (from < to ? Array(chunk.blocks[Int(from - chunk.start)..<Int(to - chunk.start)]) : [])
        }
        let proof = try ForkProof.make(writer: log.key, index: index, signedA: ourHead, blocksA: ours, signedB: theirHead, blocksB: theirs)
        guard try ForkRecords.record(db, writerID: log.id, proof: proof, at: now()) else { return nil }
        try forkChangedCounting(db, dataKey: dataKey)
        return proof
    }

    /// Nothing at or after the fork counts or is kept: cut the log back, rebuild the view (what
    /// counts changed in ways that are not monotone, so rebuild rather than patch).
    private func forkChangedCounting(_ db: Database, dataKey: SecureBytes?) throws {
        try LogPruning.enforce(db, database: databaseID)
        _ = try rebuildView(db, dataKey: dataKey)
    }
}
