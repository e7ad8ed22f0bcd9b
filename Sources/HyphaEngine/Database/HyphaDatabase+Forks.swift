import Foundation
import GRDB

/// Forks: a writer that signed two different blocks at one position. The node that finds one
/// records a self-contained proof, and every node that receives the proof verifies it, stores it
/// and stops counting (and storing) that log from the fork point on, so that every replica shows
/// the same database.
extension HyphaDatabase {
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
            throw StoreError.invalidForkProof("\(error)")
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
        if recorded { notify(DatabaseChange(heads: [], viewChanged: true, membershipChanged: true, forks: [proof])) }
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
        try LogPruning.enforce(db)
        _ = try rebuildView(db, dataKey: dataKey)
    }
}
