import Testing
@testable import HyphaEngine

/// Helpers shared by the block and fork proof suites.
enum ProofFixtures {
    static func log(_ count: Int, name: String = "block") -> [[UInt8]] {
        (0..<count).map { Array("\(name)-\($0)".utf8) }
    }

    /// The log that agrees with `log(count)` on blocks 0..<fork and holds other blocks from there.
    static func branch(_ count: Int, forkingAt fork: Int, name: String = "other") -> [[UInt8]] {
        (0..<count).map { Array((($0 < fork) ? "block-\($0)" : "\(name)-\($0)").utf8) }
    }

    static func source(_ blocks: [[UInt8]]) -> BlockProof.BlockSource {
        { range in Array(blocks[Int(range.lowerBound)..<Int(range.upperBound)]) }
    }

    static func sign(_ blocks: [[UInt8]], at length: Int, with key: SigningKeyPair) -> SignedTree {
        SignedTree(signing: MerkleRoots(blocks: blocks[0..<length]), with: key)
    }

    static func roundTrip(_ proof: BlockProof) throws -> BlockProof {
        var writer = BinaryWriter()
        proof.encode(into: &writer)
        var reader = BinaryReader(writer.bytes)
        let decoded = try BlockProof(index: proof.index, from: &reader)
        try reader.expectEnd()
        return decoded
    }

    /// A fork proof of block 3 between ["block-0" … "block-2", "a-3", "a-4"] signed at 5 and
    /// ["block-0" … "block-2", "b-3"] signed at 4 (the one scripts/hypercore_vectors.py prints).
    static func smallFork(key: SigningKeyPair) throws -> ForkProof {
        let prefix = log(3)
        let a = prefix + [Array("a-3".utf8), Array("a-4".utf8)]
        let b = prefix + [Array("b-3".utf8)]
        return try ForkProof.make(writer: key.publicKey, index: 3,
                                  signedA: sign(a, at: 5, with: key), blocksA: source(a),
                                  signedB: sign(b, at: 4, with: key), blocksB: source(b))
    }
}

@Suite struct ForkProofTests {
    let key: SigningKeyPair

    init() throws {
        key = try LogTreeTests.writer()
    }

    func checkRoundTrip(_ blocks: [[UInt8]], length: Int, index: Int) throws {
        let signed = ProofFixtures.sign(blocks, at: length, with: key)
        let proof = try BlockProof.make(index: UInt64(index), signed: signed, blocks: ProofFixtures.source(blocks))
        let decoded = try ProofFixtures.roundTrip(proof)
        #expect(decoded == proof)
        let prefix = try decoded.verify(writer: key.publicKey)
        #expect(prefix == MerkleRoots(blocks: blocks[0..<index]).roots, "length \(length), index \(index)")
    }

    @Test func blockProofsRoundTripAtEveryIndexOfShortLogs() throws {
        let blocks = ProofFixtures.log(20)
        for length in 1...20 {
            for index in 0..<length { try checkRoundTrip(blocks, length: length, index: index) }
        }
    }

    @Test func blockProofsRoundTripInALongerLog() throws {
        let blocks = ProofFixtures.log(1000)
        for index in [0, 1, 2, 511, 512, 513, 767, 800, 991, 992, 998, 999] {
            try checkRoundTrip(blocks, length: 1000, index: index)
        }
        // A shorter signature of the same log proves its blocks too.
        try checkRoundTrip(blocks, length: 700, index: 699)
    }

    /// Subtrees above 4,096 blocks are hashed from several reads, none beyond the signed length.
    @Test func largeSubtreesAreReadInPieces() throws {
        let blocks = ProofFixtures.log(8200)
        let signed = ProofFixtures.sign(blocks, at: 8195, with: key)
        for index in [0, 4096, 8194] {
            var reads: [Range<UInt64>] = []
            let proof = try BlockProof.make(index: UInt64(index), signed: signed) { range in
                reads.append(range)
                return try ProofFixtures.source(blocks)(range)
            }
            #expect(reads.allSatisfy { $0.upperBound <= 8195 && $0.count <= 4096 })
            #expect(try proof.verify(writer: key.publicKey) == MerkleRoots(blocks: blocks[0..<index]).roots)
        }
    }

    struct Fork: Sendable, CustomTestStringConvertible {
        /// The first differing block; the two branches' block counts; the lengths they are signed at.
        let at: Int, countA: Int, countB: Int, signedA: Int, signedB: Int
        var testDescription: String { "fork at \(at), signed at \(signedA) and \(signedB)" }
    }

    static let forks: [Fork] = [
        Fork(at: 0, countA: 1, countB: 1, signedA: 1, signedB: 1),
        Fork(at: 0, countA: 5, countB: 3, signedA: 5, signedB: 3),
        Fork(at: 1, countA: 2, countB: 2, signedA: 2, signedB: 2),
        Fork(at: 4, countA: 8, countB: 6, signedA: 8, signedB: 6),          // a power of two
        Fork(at: 8, countA: 9, countB: 20, signedA: 9, signedB: 20),
        Fork(at: 7, countA: 8, countB: 8, signedA: 8, signedB: 8),          // L − 1 of both
        Fork(at: 3, countA: 4, countB: 9, signedA: 4, signedB: 9),
        Fork(at: 16, countA: 17, countB: 40, signedA: 17, signedB: 33),
        Fork(at: 5, countA: 20, countB: 20, signedA: 13, signedB: 6),       // signed below their length
        Fork(at: 10, countA: 31, countB: 12, signedA: 11, signedB: 12),
        Fork(at: 511, countA: 1000, countB: 700, signedA: 1000, signedB: 512),
    ]

    @Test(arguments: forks)
    func twoBranchesMakeAForkProof(_ fork: Fork) throws {
        let a = ProofFixtures.log(fork.countA)
        let b = ProofFixtures.branch(fork.countB, forkingAt: fork.at)
        let signedA = ProofFixtures.sign(a, at: fork.signedA, with: key)
        let signedB = ProofFixtures.sign(b, at: fork.signedB, with: key)
        let proof = try ForkProof.make(writer: key.publicKey, index: UInt64(fork.at),
                                       signedA: signedA, blocksA: ProofFixtures.source(a),
                                       signedB: signedB, blocksB: ProofFixtures.source(b))
        #expect(proof.index == UInt64(fork.at))
        #expect(!ForkProof.canonicallyPrecedes(proof.second.signed, proof.first.signed))
        #expect(Set([proof.first.signed, proof.second.signed].map(\.length))
                == Set([fork.signedA, fork.signedB].map(UInt64.init)))
        try proof.verify()

        let decoded = try ForkProof(encoded: proof.encoded)
        #expect(decoded == proof)
        try decoded.verify()

        // The branches given the other way round make the same proof.
        let swapped = try ForkProof.make(writer: key.publicKey, index: UInt64(fork.at),
                                         signedA: signedB, blocksA: ProofFixtures.source(b),
                                         signedB: signedA, blocksB: ProofFixtures.source(a))
        #expect(swapped.encoded == proof.encoded)
    }

    // MARK: - Known answers from scripts/hypercore_vectors.py

    static let blockProofOfBlock2At5 =
        "0500000000000000" + "35cf04fa294085f66fc7969a7ca49b2904e6d2a80b6fd85762a5e86a1b7dcdf2"
        + "4f027f54444f2485a17bfbb0d1bd3308b7ce4572b5a38283dc60e854badf81c7"
        + "386513955977a71de23f5a56ba535268f48721a744e4f16ee2b3d9d2abd0d60b"
        + "07" + "626c6f636b2d32" + "03"
        + "eff64c663bc2ecc9d083a465be781c76f2970f0f1a5f5a3b8b4fb4053c6cd791" + "0700000000000000"
        + "8a6e0889f2df728b042724369fbbb468b18a6743caa22350a59a62eea9e3f63f" + "0e00000000000000"
        + "bac5222f4e6ed8eacbe27a2fceb8e9de755dd50ce0892ec26fef1392f61c5c85" + "0700000000000000"

    static let smallForkProof =
        "01" + "03a107bff3ce10be1d70dd18e74bc09967e4d6309ba50d5f1ddc8664125531b8" + "03"
        + "0400000000000000" + "3c50112a653ea2130ef9c8270a11bc6c22585c831c066c5d90a8e1a5a71225d1"
        + "cc5b61c45289720ff1c7549a81d197de1b78613d5e994246db413cd7225e9a70"
        + "95612fc27284ec5cf71adffe572a5788aca191fbf5be629d3bf67499f7b68a0b"
        + "03" + "622d33" + "02"
        + "5ed11ff29250aa2967f207aa8eacb7309afc84cea4c28caad93b79d0ceb425d9" + "0700000000000000"
        + "8a6e0889f2df728b042724369fbbb468b18a6743caa22350a59a62eea9e3f63f" + "0e00000000000000"
        + "0500000000000000" + "988c4ac1cf9102d73365a7cf0ba372e262fadd4d6f47cac57bb40996156b8abd"
        + "88e3eeb7643cb4532574a4b749d50a04a5be22d8fbc8bd6a35e823fff1f86aa4"
        + "caeca71904a8230c3e0ef985878e9388d2fe0e15699947a9e12dd2ece4d0610e"
        + "03" + "612d33" + "03"
        + "5ed11ff29250aa2967f207aa8eacb7309afc84cea4c28caad93b79d0ceb425d9" + "0700000000000000"
        + "8a6e0889f2df728b042724369fbbb468b18a6743caa22350a59a62eea9e3f63f" + "0e00000000000000"
        + "f8b48dad0ca17a341221d897147986b128a21859a4b26ab0823dd150718a258c" + "0300000000000000"

    @Test func blockProofMatchesTheIndependentImplementation() throws {
        let blocks = ProofFixtures.log(5)
        let signed = ProofFixtures.sign(blocks, at: 5, with: key)
        let proof = try BlockProof.make(index: 2, signed: signed, blocks: ProofFixtures.source(blocks))
        var writer = BinaryWriter()
        proof.encode(into: &writer)
        #expect(Hex.encode(writer.bytes) == Self.blockProofOfBlock2At5)
        #expect(try proof.verify(writer: key.publicKey) == [TreeNode(
            index: 1, size: 14, hash: hex("8a6e0889f2df728b042724369fbbb468b18a6743caa22350a59a62eea9e3f63f"))])
    }

    @Test func forkProofMatchesTheIndependentImplementation() throws {
        let proof = try ProofFixtures.smallFork(key: key)
        #expect(Hex.encode(proof.encoded) == Self.smallForkProof)
        let decoded = try ForkProof(encoded: hex(Self.smallForkProof))
        #expect(decoded == proof)
        try decoded.verify()
    }
}
