/// Why blocks and a signed tree were refused as a writer's log.
public enum LogVerificationError: UserFacingError, Equatable {
    /// The signed tree's length is not the number of blocks it should cover.
    case lengthMismatch(expected: UInt64, signed: UInt64)
    /// The blocks do not hash to the signed tree hash.
    case treeHashMismatch(length: UInt64)
    /// The signature is malformed or not the writer's.
    case badSignature(length: UInt64)

    public var description: String {
        switch self {
        case let .lengthMismatch(expected, signed):
            return "the signed log length is \(signed) but the blocks make it \(expected)"
        case let .treeHashMismatch(length):
            return "the blocks do not match the signed tree hash at length \(length)"
        case let .badSignature(length):
            return "the signature of the log at length \(length) is not the writer's"
        }
    }
}
