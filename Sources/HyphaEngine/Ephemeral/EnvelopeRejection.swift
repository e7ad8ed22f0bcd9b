/// Why an envelope was dropped. Drops are silent on the wire and never become alerts; the
/// reason exists for counters, debug logs and tests.
public enum EnvelopeRejection: Error, Equatable, Sendable, CustomStringConvertible {
    case tooShort(Int)
    case tooLarge(Int)
    case badMagic
    case unsupportedVersion(UInt8)
    case unsupportedFlags(UInt16)
    case unknownType(UInt8)
    case otherDatabase
    case stale
    case fromTheFuture
    case alreadySeen
    case undecryptable
    case seenStoreUnavailable

    public var description: String {
        switch self {
        case let .tooShort(n): return "envelope of \(n) bytes is shorter than the minimum \(EphemeralEnvelope.minimumLength)"
        case let .tooLarge(n): return "envelope of \(n) bytes exceeds the limit \(EphemeralEnvelope.maximumLength)"
        case .badMagic: return "not an ephemeral envelope (bad magic)"
        case let .unsupportedVersion(v): return "unsupported envelope version \(v)"
        case let .unsupportedFlags(f): return "unsupported envelope flags 0x\(String(f, radix: 16))"
        case let .unknownType(t): return "unknown envelope type \(t)"
        case .otherDatabase: return "envelope for another database"
        case .stale: return "envelope older than 10 minutes"
        case .fromTheFuture: return "envelope dated more than 2 minutes ahead"
        case .alreadySeen: return "replayed envelope"
        case .undecryptable: return "envelope does not decrypt under the channel key"
        case .seenStoreUnavailable: return "the seen-message store could not be read or written"
        }
    }
}
