/// Why blocks and a signed tree were refused as a writer's log, or a block or fork proof as one.
public enum LogVerificationError: UserFacingError, Equatable {
    /// The signed tree's length is not the number of blocks it should cover.
    case lengthMismatch(expected: UInt64, signed: UInt64)
    /// The blocks do not hash to the signed tree hash.
    case treeHashMismatch(length: UInt64)
    /// The signature is malformed or not the writer's.
    case badSignature(length: UInt64)

    // Block proofs.

    /// A block proof names a block outside its signed log, or a log longer than `FlatTree.maxLength`.
    case proofOutOfRange(index: UInt64, length: UInt64)
    /// A block proof carries another number of nodes than its position and length call for.
    case proofNodeCount(expected: Int, actual: Int)
    /// A block proof node's hash is not 32 bytes, or the sizes add up beyond any log.
    case malformedProof(reason: String)
    /// The source of a log's blocks returned another number of blocks than asked for.
    case blocksUnavailable(from: UInt64, to: UInt64, returned: Int)

    // Fork proofs.

    /// A fork proof's block proofs are not at the fork proof's position.
    case forkIndexMismatch(index: UInt64, first: UInt64, second: UInt64)
    /// A fork proof's block proofs are not in canonical order (length, then tree hash, ascending).
    case forkNotCanonical
    /// The two signed logs do not agree on every block before the fork proof's position.
    case forkPrefixesDiffer(index: UInt64)
    /// The two signed logs hold the same block at the fork proof's position.
    case forkBlocksEqual(index: UInt64)

    public var description: String {
        switch self {
        case let .lengthMismatch(expected, signed):
            return "the signed log length is \(signed) but the blocks make it \(expected)"
        case let .treeHashMismatch(length):
            return "the blocks do not match the signed tree hash at length \(length)"
        case let .badSignature(length):
            return "the signature of the log at length \(length) is not the writer's"
        case let .proofOutOfRange(index, length):
            return "a block proof for block \(index) of a log of \(length) blocks"
        case let .proofNodeCount(expected, actual):
            return "a block proof with \(actual) nodes where \(expected) are needed"
        case let .malformedProof(reason):
            return "a malformed block proof: \(reason)"
        case let .blocksUnavailable(from, to, returned):
            return "asked for blocks \(from)..<\(to) of the log, got \(returned)"
        case let .forkIndexMismatch(index, first, second):
            return "a fork proof at \(index) holds block proofs at \(first) and \(second)"
        case .forkNotCanonical:
            return "a fork proof whose signed logs are not in canonical order"
        case let .forkPrefixesDiffer(index):
            return "the two signed logs already differ before block \(index)"
        case let .forkBlocksEqual(index):
            return "the two signed logs hold the same block \(index): no fork"
        }
    }
}
