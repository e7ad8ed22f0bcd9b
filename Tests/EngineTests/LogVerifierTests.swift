import Testing
@testable import HyphaEngine

@Suite struct LogVerifierTests {
    let writer: SigningKeyPair
    let other: SigningKeyPair
    let verifier: LogVerifier
    let blocks = LogTreeTests.blocks(8)

    init() throws {
        writer = try LogTreeTests.writer()
        other = try SigningKeyPair(seed: SecureBytes(copying: [UInt8](repeating: 7, count: 32)))
        verifier = LogVerifier(writer: writer.publicKey)
    }

    func signed(_ blocks: [[UInt8]], by key: SigningKeyPair? = nil) -> SignedTree {
        SignedTree(signing: MerkleRoots(blocks: blocks), with: key ?? writer)
    }

    @Test func acceptsEveryValidPrefix() throws {
        for n in 0...blocks.count {
            let prefix = Array(blocks[0..<n])
            #expect(try verifier.verifyPrefix(blocks: prefix, signed: signed(prefix)) == MerkleRoots(blocks: prefix))
        }
    }

    @Test func refusesAFlippedBitInAnyBlock() {
        let tree = signed(blocks)
        for i in blocks.indices {
            for bit in [0, 13, blocks[i].count * 8 - 1] {
                var tampered = blocks
                tampered[i][bit / 8] ^= 1 << UInt8(bit % 8)
                #expect(throws: LogVerificationError.treeHashMismatch(length: 8)) {
                    try verifier.verifyPrefix(blocks: tampered, signed: tree)
                }
            }
        }
    }

    @Test func refusesAWrongOrForeignSignature() {
        let tree = signed(blocks)
        for byte in [0, 31, 63] {
            var signature = tree.signature
            signature[byte] ^= 0x40
            let forged = SignedTree(length: tree.length, treeHash: tree.treeHash, signature: signature)
            #expect(throws: LogVerificationError.badSignature(length: 8)) {
                try verifier.verifyPrefix(blocks: blocks, signed: forged)
            }
        }
        let truncated = SignedTree(length: tree.length, treeHash: tree.treeHash, signature: Array(tree.signature.prefix(63)))
        #expect(throws: LogVerificationError.badSignature(length: 8)) { try verifier.verifyPrefix(blocks: blocks, signed: truncated) }
        #expect(throws: LogVerificationError.badSignature(length: 8)) {
            try verifier.verifyPrefix(blocks: blocks, signed: signed(blocks, by: other))
        }
        #expect(signed(blocks, by: other).verify(writer: other.publicKey))
    }

    @Test func refusesAWrongLength() {
        let tree = signed(blocks)
        #expect(throws: LogVerificationError.lengthMismatch(expected: 7, signed: 8)) {
            try verifier.verifyPrefix(blocks: Array(blocks.prefix(7)), signed: tree)
        }
        // A signature moved to another length no longer verifies, even with the right tree hash.
        let relabelled = SignedTree(length: 9, treeHash: tree.treeHash, signature: tree.signature)
        #expect(!relabelled.verify(writer: writer.publicKey))
        #expect(throws: LogVerificationError.treeHashMismatch(length: 9)) {
            try verifier.verifyPrefix(blocks: blocks + [Array("block-8".utf8)], signed: relabelled)
        }
        let huge = SignedTree(length: .max, treeHash: tree.treeHash, signature: tree.signature)
        #expect(throws: LogVerificationError.lengthMismatch(expected: 8, signed: .max)) {
            try verifier.verifyPrefix(blocks: blocks, signed: huge)
        }
    }

    @Test func acceptsAnExtensionFromStoredRoots() throws {
        for stored in 0...blocks.count {
            let roots = MerkleRoots(blocks: blocks[0..<stored])
            let extended = try verifier.verifyExtension(of: roots, blocks: Array(blocks[stored...]), signed: signed(blocks))
            #expect(extended == MerkleRoots(blocks: blocks))
        }
    }

    @Test func refusesAnExtensionWhoseBlocksDoNotMatch() {
        let roots = MerkleRoots(blocks: blocks[0..<3])
        let tree = signed(blocks)
        var wrong = Array(blocks[3...])
        wrong[2] = Array("block-x".utf8)
        #expect(throws: LogVerificationError.treeHashMismatch(length: 8)) {
            try verifier.verifyExtension(of: roots, blocks: wrong, signed: tree)
        }
        // Blocks in the wrong order.
        #expect(throws: LogVerificationError.treeHashMismatch(length: 8)) {
            try verifier.verifyExtension(of: roots, blocks: Array(blocks[3...].reversed()), signed: tree)
        }
        // The right new blocks on top of a different stored log.
        let otherRoots = MerkleRoots(blocks: [Array("x".utf8), Array("y".utf8), Array("z".utf8)])
        #expect(throws: LogVerificationError.treeHashMismatch(length: 8)) {
            try verifier.verifyExtension(of: otherRoots, blocks: Array(blocks[3...]), signed: tree)
        }
        #expect(throws: LogVerificationError.lengthMismatch(expected: 7, signed: 8)) {
            try verifier.verifyExtension(of: roots, blocks: Array(blocks[3..<7]), signed: tree)
        }
        // A signed tree shorter than what is already stored.
        #expect(throws: LogVerificationError.lengthMismatch(expected: 3, signed: 2)) {
            try verifier.verifyExtension(of: roots, blocks: [], signed: signed(Array(blocks[0..<2])))
        }
    }

    @Test func findsWhereTwoSignedLogsDiverge() throws {
        var forked = blocks
        forked[5] = Array("fork-5".utf8)
        forked.append(Array("fork-8".utf8))
        #expect(try verifier.divergence(blocks, signed: signed(blocks), forked, signed: signed(forked)) == 5)
        let prefix = Array(blocks.prefix(4))
        #expect(try verifier.divergence(prefix, signed: signed(prefix), blocks, signed: signed(blocks)) == nil)
        #expect(throws: LogVerificationError.badSignature(length: 9)) {
            try verifier.divergence(blocks, signed: signed(blocks), forked, signed: signed(forked, by: other))
        }
    }

    @Test func errorsDescribeThemselvesOnOneLine() {
        let errors: [LogVerificationError] = [.lengthMismatch(expected: 3, signed: 4), .treeHashMismatch(length: 4), .badSignature(length: 4)]
        for error in errors {
            #expect(!error.description.isEmpty && !error.description.contains("\n"))
        }
        #expect(LogVerificationError.lengthMismatch(expected: 3, signed: 4).description
                == "the signed log length is 4 but the blocks make it 3")
    }
}

@Suite struct LogEncodingTests {
    @Test func rootsRoundTrip() throws {
        for n in 0...40 {
            let roots = MerkleRoots(blocks: LogTreeTests.blocks(n))
            let decoded = try MerkleRoots(encoded: roots.encoded)
            #expect(decoded == roots)
            #expect(decoded.treeHash == roots.treeHash)
        }
        // Decoded roots keep growing exactly like the originals.
        var decoded = try MerkleRoots(encoded: MerkleRoots(blocks: LogTreeTests.blocks(5)).encoded)
        decoded.append(blocks: LogTreeTests.blocks(8)[5...].map { $0 })
        #expect(decoded == MerkleRoots(blocks: LogTreeTests.blocks(8)))
    }

    @Test func rootsRefuseGarbage() {
        let valid = MerkleRoots(blocks: LogTreeTests.blocks(5)).encoded
        for cut in 0..<valid.count {
            #expect(throws: BinaryDecodingError.self) { try MerkleRoots(encoded: Array(valid.prefix(cut))) }
        }
        #expect(throws: BinaryDecodingError.trailingBytes(1)) { try MerkleRoots(encoded: valid + [0]) }
        var version = valid
        version[0] = 2
        #expect(throws: BinaryDecodingError.self) { try MerkleRoots(encoded: version) }
        var huge = BinaryWriter()
        huge.u8(1)
        huge.varint(FlatTree.maxLength + 1)
        #expect(throws: BinaryDecodingError.invalidValue("log length \(FlatTree.maxLength + 1)")) {
            try MerkleRoots(encoded: huge.bytes)
        }
        var overflowing = BinaryWriter()   // length 3: two roots whose sizes overflow when added
        overflowing.u8(1)
        overflowing.varint(3)
        overflowing.varint(.max)
        overflowing.raw([UInt8](repeating: 0, count: 32))
        overflowing.varint(2)
        overflowing.raw([UInt8](repeating: 0, count: 32))
        #expect(throws: BinaryDecodingError.invalidValue("log byte size")) { try MerkleRoots(encoded: overflowing.bytes) }
        // Random bytes (a fixed-seed generator, so a failure reproduces) never crash the decoder.
        var generator = SplitMix64(seed: 0x4879_7068_61)
        for _ in 0..<2_000 {
            let garbage = (0..<Int(generator.next() % 120)).map { _ in UInt8(truncatingIfNeeded: generator.next()) }
            if let decoded = try? MerkleRoots(encoded: garbage) {
                #expect(decoded.roots.count == decoded.length.nonzeroBitCount)
            }
        }
    }

    @Test func signedTreeRoundTripAndGarbage() throws {
        let tree = SignedTree(signing: MerkleRoots(blocks: LogTreeTests.blocks(3)), with: try LogTreeTests.writer())
        #expect(tree.encoded.count == 104)
        #expect(try SignedTree(encoded: tree.encoded) == tree)
        #expect(throws: BinaryDecodingError.truncated) { try SignedTree(encoded: Array(tree.encoded.prefix(103))) }
        #expect(throws: BinaryDecodingError.trailingBytes(1)) { try SignedTree(encoded: tree.encoded + [0]) }
    }
}
