import Testing
@testable import HyphaEngine

/// Everything a block or fork proof must refuse, without trapping.
@Suite struct ForkProofRefusalTests {
    let key: SigningKeyPair
    let fork: ForkProof

    init() throws {
        key = try LogTreeTests.writer()
        fork = try ProofFixtures.smallFork(key: key)
    }

    /// Whether `bytes` decode to a fork proof that verifies.
    func verifies(_ bytes: [UInt8]) -> Bool {
        guard let proof = try? ForkProof(encoded: bytes) else { return false }
        return (try? proof.verify()) != nil
    }

    @Test func everyFlippedBitIsRefused() {
        let encoded = fork.encoded
        #expect(verifies(encoded))
        var accepted: [(byte: Int, bit: Int)] = []
        for byte in encoded.indices {
            for bit in 0..<8 {
                var tampered = encoded
                tampered[byte] ^= 1 << UInt8(bit)
                if verifies(tampered) { accepted.append((byte, bit)) }
            }
        }
        #expect(accepted.isEmpty, "accepted with bits flipped at \(accepted)")
    }

    @Test func truncationAndTrailingBytesAreRefused() {
        let encoded = fork.encoded
        for count in 0..<encoded.count {
            #expect(throws: BinaryDecodingError.self) { try ForkProof(encoded: Array(encoded[0..<count])) }
        }
        #expect(throws: BinaryDecodingError.trailingBytes(1)) { try ForkProof(encoded: encoded + [0]) }
    }

    @Test func anotherVersionIsRefused() {
        var encoded = fork.encoded
        encoded[0] = 2
        #expect(throws: BinaryDecodingError.invalidValue("fork proof version 2")) { try ForkProof(encoded: encoded) }
    }

    @Test func oversizeFieldsAreRefused() throws {
        func encoded(_ change: (inout ForkProof) -> Void) -> [UInt8] {
            var proof = fork
            change(&proof)
            return proof.encoded
        }
        let bigBlock = encoded { $0.second.block = [UInt8](repeating: 1, count: EntryLimits.maxBlockBytes + 1) }
        #expect(throws: BinaryDecodingError.lengthTooLarge(UInt64(EntryLimits.maxBlockBytes + 1))) {
            try ForkProof(encoded: bigBlock)
        }
        let node = ProofNode(hash: [UInt8](repeating: 0, count: 32), size: 1)
        let manyNodes = encoded { $0.second.nodes = Array(repeating: node, count: 129) }
        #expect(throws: BinaryDecodingError.lengthTooLarge(129)) { try ForkProof(encoded: manyNodes) }
        let longLog = encoded {
            $0.second.signed = SignedTree(length: FlatTree.maxLength + 1, treeHash: $0.second.signed.treeHash,
                                          signature: $0.second.signed.signature)
        }
        #expect(throws: BinaryDecodingError.self) { try ForkProof(encoded: longLog) }
        let beyondLog = encoded { $0.index = 5 }   // both logs are shorter
        #expect(throws: BinaryDecodingError.self) { try ForkProof(encoded: beyondLog) }
        #expect(throws: BinaryDecodingError.self) {
            try ForkProof(encoded: fork.encoded + [UInt8](repeating: 0, count: ForkProof.maxEncodedBytes))
        }
        // A proof at the limits still decodes.
        let atLimits = encoded { $0.second.block = [UInt8](repeating: 1, count: EntryLimits.maxBlockBytes)
                                 $0.second.nodes = Array(repeating: node, count: BlockProof.maxNodes) }
        #expect(throws: Never.self) { try ForkProof(encoded: atLimits) }
    }

    @Test func theOtherOrderIsRefused() {
        var swapped = fork
        swap(&swapped.first, &swapped.second)
        #expect(throws: BinaryDecodingError.invalidValue("fork proof order")) { try ForkProof(encoded: swapped.encoded) }
        #expect(throws: LogVerificationError.forkNotCanonical) { try swapped.verify() }
    }

    @Test func equalBlocksAreNoFork() throws {
        let blocks = ProofFixtures.log(7)
        let proofAt5 = try BlockProof.make(index: 2, signed: ProofFixtures.sign(blocks, at: 5, with: key),
                                           blocks: ProofFixtures.source(blocks))
        let proofAt7 = try BlockProof.make(index: 2, signed: ProofFixtures.sign(blocks, at: 7, with: key),
                                           blocks: ProofFixtures.source(blocks))
        let proof = ForkProof(writer: key.publicKey, index: 2, first: proofAt5, second: proofAt7)
        #expect(throws: LogVerificationError.forkBlocksEqual(index: 2)) { try proof.verify() }
        #expect(throws: LogVerificationError.forkBlocksEqual(index: 2)) {
            try ForkProof.make(writer: key.publicKey, index: 2,
                               signedA: proofAt5.signed, blocksA: ProofFixtures.source(blocks),
                               signedB: proofAt7.signed, blocksB: ProofFixtures.source(blocks))
        }
    }

    /// Two logs that differ at 3 also differ at 6; a proof at 6 is not a proof of the first difference.
    @Test func aLaterDifferenceIsRefused() throws {
        let a = ProofFixtures.log(10)
        let b = ProofFixtures.branch(10, forkingAt: 3)
        let signedA = ProofFixtures.sign(a, at: 10, with: key)
        let signedB = ProofFixtures.sign(b, at: 10, with: key)
        for later in [4, 6, 8, 9] {
            #expect(throws: LogVerificationError.forkPrefixesDiffer(index: UInt64(later))) {
                try ForkProof.make(writer: key.publicKey, index: UInt64(later),
                                   signedA: signedA, blocksA: ProofFixtures.source(a),
                                   signedB: signedB, blocksB: ProofFixtures.source(b))
            }
        }
        // Before the fork the blocks are equal.
        #expect(throws: LogVerificationError.forkBlocksEqual(index: 2)) {
            try ForkProof.make(writer: key.publicKey, index: 2,
                               signedA: signedA, blocksA: ProofFixtures.source(a),
                               signedB: signedB, blocksB: ProofFixtures.source(b))
        }
    }

    @Test func anotherWriterIsRefused() throws {
        let other = try SigningKeyPair(seed: SecureBytes(copying: [UInt8](repeating: 7, count: 32)))
        var proof = fork
        proof.writer = other.publicKey
        #expect(throws: LogVerificationError.badSignature(length: 4)) { try proof.verify() }
        #expect(!verifies(proof.encoded))
    }

    @Test func wrongNodeCountsAreRefused() throws {
        var fewer = fork
        fewer.second.nodes.removeLast()
        #expect(throws: LogVerificationError.proofNodeCount(expected: 3, actual: 2)) { try fewer.verify() }
        #expect(!verifies(fewer.encoded))

        var more = fork
        more.first.nodes.append(more.first.nodes[0])
        #expect(throws: LogVerificationError.proofNodeCount(expected: 2, actual: 3)) { try more.verify() }
        #expect(!verifies(more.encoded))

        var none = fork.first
        none.nodes = []
        #expect(throws: LogVerificationError.proofNodeCount(expected: 2, actual: 0)) {
            try none.verify(writer: key.publicKey)
        }
    }

    @Test func hostileNodesAreRefusedWithoutTrapping() throws {
        var huge = fork.first
        huge.nodes[1].size = .max
        #expect(throws: LogVerificationError.malformedProof(reason: "node sizes overflow")) {
            try huge.verify(writer: key.publicKey)
        }
        var short = fork.first
        short.nodes[0].hash.removeLast()
        #expect(throws: LogVerificationError.malformedProof(reason: "a node hash is not 32 bytes")) {
            try short.verify(writer: key.publicKey)
        }
        // A size changed without overflow is caught by the hashes.
        var resized = fork.first
        resized.nodes[0].size += 1
        #expect(throws: LogVerificationError.treeHashMismatch(length: 4)) { try resized.verify(writer: key.publicKey) }
    }

    @Test func positionsOutsideTheLogAreRefused() {
        var beyond = fork.first
        beyond.index = 4
        #expect(throws: LogVerificationError.proofOutOfRange(index: 4, length: 4)) { try beyond.verify(writer: key.publicKey) }
        var tooLong = fork.first
        tooLong.signed = SignedTree(length: .max, treeHash: tooLong.signed.treeHash, signature: tooLong.signed.signature)
        #expect(throws: LogVerificationError.proofOutOfRange(index: 3, length: .max)) {
            try tooLong.verify(writer: key.publicKey)
        }
        var mismatched = fork
        mismatched.first.index = 2
        #expect(throws: LogVerificationError.forkIndexMismatch(index: 3, first: 2, second: 3)) { try mismatched.verify() }
    }

    /// The decoder's bound of 128 nodes leaves room for every valid proof.
    @Test func theLargestLogsNeedAtMost122Nodes() throws {
        #expect(try BlockProofShape(index: 0, length: FlatTree.maxLength - 1).nodeCount == 122)
        #expect(try BlockProofShape(index: FlatTree.maxLength - 2, length: FlatTree.maxLength - 1).nodeCount == 61)
        #expect(try BlockProofShape(index: 12_345, length: FlatTree.maxLength).nodeCount == 62)
        #expect(BlockProof.maxNodes >= 122)
    }

    @Test func makeRefusesABadSource() throws {
        let blocks = ProofFixtures.log(6)
        let signed = ProofFixtures.sign(blocks, at: 6, with: key)
        #expect(throws: LogVerificationError.blocksUnavailable(from: 2, to: 4, returned: 1)) {
            try BlockProof.make(index: 1, signed: signed) { range in
                Array(try ProofFixtures.source(blocks)(range).prefix(1))
            }
        }
        let other = ProofFixtures.branch(6, forkingAt: 5)
        #expect(throws: LogVerificationError.treeHashMismatch(length: 6)) {
            try BlockProof.make(index: 1, signed: signed, blocks: ProofFixtures.source(other))
        }
        #expect(throws: LogVerificationError.proofOutOfRange(index: 6, length: 6)) {
            try BlockProof.make(index: 6, signed: signed, blocks: ProofFixtures.source(blocks))
        }
    }
}
