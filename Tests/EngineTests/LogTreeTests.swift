import Testing
@testable import HyphaEngine

/// Known answers for the log tree.
///
/// How the values were obtained: `leaf("hello world")` is hypercore-crypto's own published test
/// value; every other value was printed by scripts/hypercore_vectors.py, an independent
/// implementation of the pinned formulas using Python's hashlib.blake2b and OpenSSL Ed25519 (the
/// `cryptography` package), which finds roots by splitting the log into perfect trees rather than
/// with flat-tree arithmetic.
@Suite struct LogTreeTests {
    static let writerSeed = Array(UInt8(0)...UInt8(31))

    static func writer() throws -> SigningKeyPair {
        try SigningKeyPair(seed: SecureBytes(copying: writerSeed))
    }

    static func blocks(_ count: Int) -> [[UInt8]] {
        (0..<count).map { Array("block-\($0)".utf8) }
    }

    @Test func hypercoreCryptoPublishedLeaf() {
        #expect(Hex.encode(LogHash.leaf(Array("hello world".utf8)))
                == "9f1b578fd57a4df015493d2886aec9600eef913c3bb009768c7f0fb875996308")
    }

    @Test func replicationNotesVectors() throws {
        let key = try Self.writer()
        #expect(key.publicKey.hex == "03a107bff3ce10be1d70dd18e74bc09967e4d6309ba50d5f1ddc8664125531b8")
        #expect(Hex.encode(LogHash.treeNamespace) == "9fac70b50ca14efc4e91c833b204e75b8b5aad8b5881bfc0adb5ef38a3275b9c")
        let hello = TreeNode(index: 0, size: 5, hash: LogHash.leaf(Array("hello".utf8)))
        let world = TreeNode(index: 2, size: 5, hash: LogHash.leaf(Array("world".utf8)))
        #expect(Hex.encode(hello.hash) == "f2391083cfaa8043205fed76cdff843902146ca92aebcd7a196814ec45d8c8f8")
        #expect(Hex.encode(world.hash) == "993ec5ef8bbc7f1d174f00e650b8d51599124a9bf93885f33cec5b9060b75c1c")
        let parent = LogHash.parent(world, hello)   // argument order must not matter
        #expect(parent == TreeNode(index: 1, size: 10,
                                   hash: hex("56826d33f98cbe1757d804b3ad818a97b61d7ae83d505ba5ca4fb619646355f9")))

        var roots = MerkleRoots(blocks: [Array("hello".utf8), Array("world".utf8)])
        #expect(roots.roots == [parent])
        #expect(Hex.encode(roots.treeHash) == "28ac717e6b6a3fe16b4363f16cf1a308edceccf4a05ec501bd05fdbe5b42215b")
        let signed = SignedTree(signing: roots, with: key)
        #expect(Hex.encode(signed.signature) == "eb02732ef5d6f087d20a7b0688266a85883c68586c624b478b6b2cea4b1fbcb1"
                + "6bbcede231c83fde843f0c40aa68f67d2580191ac119c51a0a0514ba4d43430c")
        #expect(signed.verify(writer: key.publicKey))
        roots.append(block: Array("!".utf8))
        #expect(Hex.encode(roots.treeHash) == "8b512f5301c09f0e0e21a0c71c98fce14ddcc51125f4dfd8303fa22c75858aff")
    }

    @Test func signableLayout() {
        let treeHash = [UInt8](repeating: 0xAB, count: 32)
        let signable = LogHash.signable(treeHash: treeHash, length: 0x0102)
        #expect(signable.count == 80)
        #expect(Array(signable[0..<32]) == LogHash.treeNamespace)
        #expect(Array(signable[32..<64]) == treeHash)
        #expect(Array(signable[64..<80]) == [0x02, 0x01, 0, 0, 0, 0, 0, 0] + [UInt8](repeating: 0, count: 8))
    }

    struct Expected: Sendable, CustomTestStringConvertible {
        let length: Int
        let roots: [(index: UInt64, size: UInt64, hash: String)]
        let treeHash: String
        let signature: String
        var testDescription: String { "length \(length)" }
    }

    static let independentVectors: [Expected] = [
        Expected(length: 1,
                 roots: [(0, 7, "eb019127df951da7b06edfc4eb216235174f63f0f1f96246ff29ed840bbaf681")],
                 treeHash: "5f3c3ba42f5cd6c0ff8804027e18405a9851ec39644cb90007eaa6f4ab63473f",
                 signature: "3bb0a9a13d850440a7b4dd679e63951bef38d46ff6fb39df3e3ca830e1005348"
                     + "3171ac9e4ece7675b16cb8f70bf3c72c82c8a75233490065aeacdcce9f40c60d"),
        Expected(length: 2,
                 roots: [(1, 14, "8a6e0889f2df728b042724369fbbb468b18a6743caa22350a59a62eea9e3f63f")],
                 treeHash: "10e3cde2e7d5e142acc7fb2dd6d09dc8926f4d271dbebcfce6a70bdb5d53c7c6",
                 signature: "757bff0caa68aea94a1970c86bd41c51e8335fdceb07b856c05c0077199db7c2"
                     + "5c6d579417083cb6f2089ccb38484fa7aa20a406f7ca31795e92940048fb360f"),
        Expected(length: 3,
                 roots: [(1, 14, "8a6e0889f2df728b042724369fbbb468b18a6743caa22350a59a62eea9e3f63f"),
                         (4, 7, "5ed11ff29250aa2967f207aa8eacb7309afc84cea4c28caad93b79d0ceb425d9")],
                 treeHash: "a20b0d8dc70f32ef3124d388c1807438e466b492c54021a5b2e9f23160fda169",
                 signature: "3f5bd4c69196ba2ffbe4bdad83982639e4df898ae1726f49d584faa4920c60c1"
                     + "b3e8a2779a041cbe26ad5a290aceb04f996570df5ec1d9004a07de345a219406"),
        Expected(length: 5,
                 roots: [(3, 28, "b3b0045f27dfcddb57f9c10e2b2c4041fb56c31e377250a7688dc261ce3e51b1"),
                         (8, 7, "bac5222f4e6ed8eacbe27a2fceb8e9de755dd50ce0892ec26fef1392f61c5c85")],
                 treeHash: "35cf04fa294085f66fc7969a7ca49b2904e6d2a80b6fd85762a5e86a1b7dcdf2",
                 signature: "4f027f54444f2485a17bfbb0d1bd3308b7ce4572b5a38283dc60e854badf81c7"
                     + "386513955977a71de23f5a56ba535268f48721a744e4f16ee2b3d9d2abd0d60b"),
        Expected(length: 8,
                 roots: [(7, 56, "dda7c19359ab7ad37da359ad246dd1acb46eb0f552923bf3d989332e9d5bb94d")],
                 treeHash: "9592edfe41ecd8c65f826aa1ea2d57ed27c22f3a472648cc2126486e9fab2779",
                 signature: "761de8a87054afeec11cbf3b50530a53917caf24d4873a1c1dbb05e231c10635"
                     + "30c540c7e6a9709ca4d915214492a8b2c452d33ee1b2004eb96c75953681d608"),
    ]

    @Test(arguments: independentVectors)
    func blockTreesMatchTheIndependentImplementation(_ expected: Expected) throws {
        let key = try Self.writer()
        let roots = MerkleRoots(blocks: Self.blocks(expected.length))
        #expect(roots.length == UInt64(expected.length))
        #expect(roots.roots.map(\.index) == expected.roots.map(\.index))
        #expect(roots.roots.map(\.size) == expected.roots.map(\.size))
        #expect(roots.roots.map { Hex.encode($0.hash) } == expected.roots.map(\.hash))
        #expect(Hex.encode(roots.treeHash) == expected.treeHash)
        let signed = SignedTree(signing: roots, with: key)
        #expect(signed.length == UInt64(expected.length))
        #expect(Hex.encode(signed.signature) == expected.signature)
    }

    @Test func appendingLeafHashesEqualsAppendingBlocks() {
        let blocks = Self.blocks(37)
        var byHash = MerkleRoots()
        for block in blocks { byHash.append(leafHash: LogHash.leaf(block), size: UInt64(block.count)) }
        #expect(byHash == MerkleRoots(blocks: blocks))
        #expect(byHash.byteLength == UInt64(blocks.reduce(0) { $0 + $1.count }))
        #expect(byHash.roots.map(\.index) == FlatTree.fullRoots(forLength: 37))
    }

    /// Prints the leaf-hash and append rates (asserts only the result, never the time).
    @Test func measureLeafHashAndAppendRate() {
        let count = 100_000
        // A typical entry: 16-byte key, 256-byte value, ~40 bytes of framing.
        let blocks = (0..<count).map { i in [UInt8](repeating: UInt8(truncatingIfNeeded: i), count: 312) }
        let clock = ContinuousClock()
        var generic: [UInt8] = []
        let genericTime = clock.measure {
            for block in blocks {
                generic = Blake2b.hash([0x00], withUnsafeBytes(of: UInt64(block.count).littleEndian) { Array($0) }, block)
            }
        }
        var last: [UInt8] = []
        let leafTime = clock.measure {
            for block in blocks { last = LogHash.leaf(block) }
        }
        var roots = MerkleRoots()
        let appendTime = clock.measure {
            for block in blocks { roots.append(block: block) }
        }
        #expect(last == generic)
        #expect(roots.length == UInt64(count))
        func rate(_ d: Duration) -> Int {
            let seconds = Double(d.components.seconds) + Double(d.components.attoseconds) * 1e-18
            return Int(Double(count) / seconds)
        }
        print("log tree (312-byte blocks): generic Blake2b.hash \(rate(genericTime))/s, "
              + "LogHash.leaf \(rate(leafTime))/s, MerkleRoots.append \(rate(appendTime))/s")
    }
}
