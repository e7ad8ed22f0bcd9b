import Synchronization
@testable import HyphaEngine

/// TEST DOUBLE of `ReplicationStore` (the real SQLite store with Hypercore trees is built by
/// another part of the engine). Logs live in memory; a "tree hash" is a BLAKE2b chain over the
/// blocks and heads carry real Ed25519 signatures, so tampered or forged chunks are really
/// rejected. Thread-safe: the network calls it from its store queue, tests from their own thread.
final class MemoryReplicationStore: ReplicationStore, Sendable {
    struct Log {
        var blocks: [[UInt8]] = []
        /// chain[n] = hash of the first n blocks.
        var chain: [[UInt8]] = [[UInt8](repeating: 0, count: 32)]
        var signed: [SignedHead] = []
    }

    struct State {
        var logs: [PublicKey: Log] = [:]
        var ingestCount = 0
        var storedCount = 0
        var forks = 0
        var onIngest: (@Sendable (BlockChunk, IngestResult) -> Void)?
    }

    let databaseID: DatabaseID
    private let state = Mutex(State())

    init(databaseID: DatabaseID) { self.databaseID = databaseID }

    /// This double holds no evidence and keeps none (the evidence exchange is tested with the
    /// real store).
    func evidence() throws -> [Evidence] { [] }
    func ingest(evidence: Evidence) throws -> EvidenceResult { .known }

    static func chainStep(_ previous: [UInt8], _ block: [UInt8]) -> [UInt8] {
        Blake2b.hash(previous, Blake2b.hash(block))
    }

    static func signable(_ treeHash: [UInt8], _ length: UInt64) -> [UInt8] {
        var w = BinaryWriter()
        w.raw(Array("test-tree".utf8))
        w.raw(treeHash)
        w.u64(length)
        return w.bytes
    }

    /// Appends one signed batch to `writer`'s log and returns its new head.
    @discardableResult
    func append(_ blocks: [[UInt8]], by writer: SigningKeyPair) -> SignedHead {
        state.withLock { s in
            var log = s.logs[writer.publicKey] ?? Log()
            for block in blocks {
                log.chain.append(Self.chainStep(log.chain[log.blocks.count], block))
                log.blocks.append(block)
            }
            let length = UInt64(log.blocks.count)
            let tree = log.chain[log.blocks.count]
            let head = SignedHead(writer: writer.publicKey, length: length, treeHash: tree,
                                  signature: writer.sign(Self.signable(tree, length)))
            log.signed.append(head)
            s.logs[writer.publicKey] = log
            return head
        }
    }

    func heads() throws -> [SignedHead] {
        state.withLock { s in s.logs.values.compactMap(\.signed.last) }
    }

    func chunks(writer: PublicKey, start: UInt64, end: UInt64, maxBytes: Int) throws -> [BlockChunk] {
        state.withLock { s in
            guard let log = s.logs[writer] else { return [] }
            let limit = min(end, UInt64(log.blocks.count))
            var position = start
            var index = log.signed.firstIndex { $0.length > position } ?? log.signed.count
            var result: [BlockChunk] = []
            func bytes(_ a: UInt64, _ b: UInt64) -> Int { log.blocks[Int(a)..<Int(b)].reduce(0) { $0 + $1.count } }
            while position < limit, index < log.signed.count {
                var last = index
                while last + 1 < log.signed.count, log.signed[last].length < limit,
                      bytes(position, log.signed[last + 1].length) <= maxBytes {
                    last += 1
                }
                let head = log.signed[last]
                result.append(BlockChunk(writer: writer, start: position,
                                         blocks: Array(log.blocks[Int(position)..<Int(head.length)]), signed: head))
                position = head.length
                index = last + 1
            }
            return result
        }
    }

    func ingest(_ chunk: BlockChunk) throws -> IngestResult {
        let (result, hook) = state.withLock { s -> (IngestResult, (@Sendable (BlockChunk, IngestResult) -> Void)?) in
            s.ingestCount += 1
            let result = Self.ingest(chunk, into: &s)
            if case .stored = result { s.storedCount += 1 }
            return (result, s.onIngest)
        }
        hook?(chunk, result)
        return result
    }

    private static func ingest(_ chunk: BlockChunk, into s: inout State) -> IngestResult {
        let head = chunk.signed
        guard head.writer.verify(signature: head.signature, message: signable(head.treeHash, head.length)) else {
            return .rejected(reason: "bad signature")
        }
        var log = s.logs[chunk.writer] ?? Log()
        let stored = UInt64(log.blocks.count)
        guard chunk.start <= stored else { return .rejected(reason: "gap before \(chunk.start)") }
        var hash = log.chain[Int(chunk.start)]
        for block in chunk.blocks { hash = chainStep(hash, block) }
        let overlapEnd = min(chunk.end, stored)
        let overlapDiffers = chunk.start < overlapEnd
            && Array(log.blocks[Int(chunk.start)..<Int(overlapEnd)]) != Array(chunk.blocks[0..<Int(overlapEnd - chunk.start)])
        guard hash == head.treeHash else {
            return chunk.start > 0 ? .needsFullLog : .rejected(reason: "tree hash mismatch")
        }
        if overlapDiffers {
            s.forks += 1
            return .alreadyHave
        }
        guard chunk.end > stored else { return .alreadyHave }
        for block in chunk.blocks[Int(stored - chunk.start)...] {
            log.chain.append(chainStep(log.chain[log.blocks.count], block))
            log.blocks.append(block)
        }
        log.signed.append(head)
        s.logs[chunk.writer] = log
        return .stored(newLength: chunk.end)
    }

    // MARK: - Inspection

    func length(of writer: PublicKey) -> UInt64 { state.withLock { UInt64($0.logs[writer]?.blocks.count ?? 0) } }
    func blocks(of writer: PublicKey) -> [[UInt8]] { state.withLock { $0.logs[writer]?.blocks ?? [] } }
    var writers: [PublicKey] { state.withLock { Array($0.logs.keys) }.sorted() }
    var ingestCount: Int { state.withLock { $0.ingestCount } }
    var storedCount: Int { state.withLock { $0.storedCount } }
    var forks: Int { state.withLock { $0.forks } }
    func setOnIngest(_ hook: (@Sendable (BlockChunk, IngestResult) -> Void)?) { state.withLock { $0.onIngest = hook } }

    /// Whether both stores hold exactly the same logs.
    func sameLogs(as other: MemoryReplicationStore) -> Bool {
        let mine = state.withLock { $0.logs.mapValues(\.blocks) }
        let theirs = other.state.withLock { $0.logs.mapValues(\.blocks) }
        return mine == theirs
    }
}

/// Key pairs and stores for tests.
enum NetworkFixtures {
    static func keyPair(_ seedByte: UInt8) -> SigningKeyPair {
        try! SigningKeyPair(seed: try! SecureBytes(copying: [UInt8](repeating: seedByte, count: 32)))
    }

    static let databaseA = keyPair(0xA0).publicKey
    static let databaseB = keyPair(0xB0).publicKey

    /// `batches` signed batches of `perBatch` blocks of about `size` bytes for each writer.
    static func populate(_ store: MemoryReplicationStore, writers: [SigningKeyPair], batches: Int, perBatch: Int,
                         size: Int = 64) {
        for writer in writers {
            for batch in 0..<batches {
                let blocks = (0..<perBatch).map { i in
                    var block = Array("\(writer.publicKey.shortHex)-\(batch)-\(i)-".utf8)
                    block += [UInt8](repeating: UInt8(truncatingIfNeeded: batch &+ i), count: max(0, size - block.count))
                    return block
                }
                store.append(blocks, by: writer)
            }
        }
    }
}
