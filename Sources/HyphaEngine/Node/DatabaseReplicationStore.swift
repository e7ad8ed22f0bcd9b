/// The network's view of a node database. Chunks are cut at every batch boundary so each Data
/// message carries the writer's signature for its batch: every node then holds every signed
/// length (which fork detection relies on).
final class DatabaseReplicationStore: ReplicationStore {
    let database: HyphaDatabase
    var databaseID: DatabaseID { database.databaseID }

    init(database: HyphaDatabase) { self.database = database }

    func heads() throws -> [SignedHead] {
        try database.heads().map(SignedHead.init)
    }

    func chunks(writer: PublicKey, start: UInt64, end: UInt64, maxBytes: Int) throws -> [BlockChunk] {
        try database.chunks(writer: writer, start: start, end: end, maxBytes: maxBytes).flatMap { chunk in
            var at = chunk.start
            return chunk.signatures.map { tree -> BlockChunk in
                let from = Int(at - chunk.start), to = Int(tree.length - chunk.start)
                defer { at = tree.length }
                return BlockChunk(writer: writer, start: at, blocks: Array(chunk.blocks[from..<to]), signed: SignedHead(writer: writer, signed: tree))
            }
        }
    }

    func ingest(_ chunk: BlockChunk) throws -> IngestResult {
        let tree = SignedTree(length: chunk.signed.length, treeHash: chunk.signed.treeHash, signature: chunk.signed.signature)
        switch try database.ingest(LogChunk(writer: chunk.writer, start: chunk.start, blocks: chunk.blocks, signatures: [tree])) {
        case let .stored(length): return .stored(newLength: length)
        case .alreadyHave: return .alreadyHave
        case let .rejected(reason): return .rejected(reason: reason)
        case .needsFullLog: return .needsFullLog
        case .notCounted: return .notCounted
        // A fork is not the sender's fault: its log is one of the two signed versions.
        case .forkRecorded: return .alreadyHave
        }
    }
}

extension DatabaseReplicationStore {
    func wantCeilings() throws -> [PublicKey: UInt64] { try database.wantCeilings() }

    func evidence() throws -> [Evidence] {
        try database.forkProofs().map(Evidence.fork) + database.provenBlocks().map(Evidence.block)
    }

    func ingest(evidence: Evidence) throws -> EvidenceResult {
        do {
            switch evidence {
            case let .fork(proof): return try database.ingest(forkProof: proof) ? .new : .known
            case let .block(proven): return try database.ingest(provenBlock: proven) ? .new : .known
            }
        } catch let error as StoreError {
            if case let .invalidEvidence(reason) = error { return .rejected(reason: reason) }
            throw error
        }
    }
}

extension SignedHead {
    init(_ head: LogHead) { self.init(writer: head.writer, signed: head.signed) }

    init(writer: PublicKey, signed: SignedTree) {
        self.init(writer: writer, length: signed.length, treeHash: signed.treeHash, signature: signed.signature)
    }
}
