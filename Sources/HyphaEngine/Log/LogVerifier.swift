/// Checks blocks received for one writer's log against that writer's signed trees.
public struct LogVerifier: Sendable {
    public let writer: PublicKey

    public init(writer: PublicKey) {
        self.writer = writer
    }

    /// Checks that `signed` is the writer's signature of exactly the log `roots` describes.
    public func check(_ signed: SignedTree, against roots: MerkleRoots) throws(LogVerificationError) {
        guard signed.length == roots.length else {
            throw .lengthMismatch(expected: roots.length, signed: signed.length)
        }
        guard signed.treeHash == roots.treeHash else { throw .treeHashMismatch(length: signed.length) }
        guard signed.verify(writer: writer) else { throw .badSignature(length: signed.length) }
    }

    /// Verifies a whole log `blocks[0..<n]` against a signed tree of length n; returns its roots.
    public func verifyPrefix(blocks: [[UInt8]], signed: SignedTree) throws(LogVerificationError) -> MerkleRoots {
        try verifyExtension(of: MerkleRoots(), blocks: blocks, signed: signed)
    }

    /// Verifies that `blocks` extend the already verified log `roots` (length s) to the signed
    /// tree of length s + blocks.count; returns the roots at the new length.
    public func verifyExtension(of roots: MerkleRoots, blocks: [[UInt8]],
                                signed: SignedTree) throws(LogVerificationError) -> MerkleRoots {
        // Refuse a wrong length before hashing anything.
        let (expected, overflow) = roots.length.addingReportingOverflow(UInt64(blocks.count))
        guard !overflow, expected == signed.length, expected <= FlatTree.maxLength else {
            throw .lengthMismatch(expected: overflow ? .max : expected, signed: signed.length)
        }
        var extended = roots
        extended.append(blocks: blocks)
        try check(signed, against: extended)
        return extended
    }

    /// For two versions of the writer's log that both verify, the first block index at which they
    /// differ: two signed, conflicting logs are a fork proof. Nil when one is a prefix of the other.
    public func divergence(_ first: [[UInt8]], signed firstSigned: SignedTree,
                           _ second: [[UInt8]], signed secondSigned: SignedTree) throws(LogVerificationError) -> UInt64? {
        _ = try verifyPrefix(blocks: first, signed: firstSigned)
        _ = try verifyPrefix(blocks: second, signed: secondSigned)
        let common = min(first.count, second.count)
        guard let index = (0..<common).first(where: { first[$0] != second[$0] }) else { return nil }
        return UInt64(index)
    }
}
