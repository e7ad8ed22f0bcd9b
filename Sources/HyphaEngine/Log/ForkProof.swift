/// Self-contained evidence that a writer signed two logs holding different blocks at `index`,
/// while agreeing on every block before it. Anyone holding the writer's public key can check it.
public struct ForkProof: Sendable, Equatable {
    public var writer: PublicKey
    /// The first position where the two signed logs differ.
    public var index: UInt64
    /// The two block proofs in canonical order: (signed length, tree hash bytes) ascending.
    public var first: BlockProof
    public var second: BlockProof

    public init(writer: PublicKey, index: UInt64, first: BlockProof, second: BlockProof) {
        self.writer = writer
        self.index = index
        self.first = first
        self.second = second
    }

    /// Checks both block proofs under `writer` at `index`, that the logs agree on blocks
    /// 0..<index (equal prefix roots) and that the blocks at `index` differ.
    public func verify() throws(LogVerificationError) {
        guard first.index == index, second.index == index else {
            throw .forkIndexMismatch(index: index, first: first.index, second: second.index)
        }
        guard !Self.canonicallyPrecedes(second.signed, first.signed) else { throw .forkNotCanonical }
        let firstPrefix = try first.verify(writer: writer)
        let secondPrefix = try second.verify(writer: writer)
        // Each prefix is authenticated by its own signed tree hash; being equal, they are one
        // sequence of blocks 0..<index in both logs.
        guard firstPrefix == secondPrefix else { throw .forkPrefixesDiffer(index: index) }
        guard first.block != second.block else { throw .forkBlocksEqual(index: index) }
    }

    /// Builds the canonical proof that the logs the writer signed as `signedA` and `signedB`
    /// agree on blocks 0..<index and differ at `index`; throws if they do not, or if either
    /// signature is not `writer`'s.
    public static func make(writer: PublicKey, index: UInt64,
                            signedA: SignedTree, blocksA: BlockProof.BlockSource,
                            signedB: SignedTree, blocksB: BlockProof.BlockSource) throws -> ForkProof {
        let a = try BlockProof.make(index: index, signed: signedA, blocks: blocksA)
        let b = try BlockProof.make(index: index, signed: signedB, blocks: blocksB)
        let (first, second) = canonicallyPrecedes(b.signed, a.signed) ? (b, a) : (a, b)
        let proof = ForkProof(writer: writer, index: index, first: first, second: second)
        try proof.verify()
        return proof
    }

    /// The canonical order of signed trees: by length, then by tree hash bytes.
    static func canonicallyPrecedes(_ a: SignedTree, _ b: SignedTree) -> Bool {
        if a.length != b.length { return a.length < b.length }
        return a.treeHash.lexicographicallyPrecedes(b.treeHash)
    }
}
