/// The kinds of log entries (blocks). Values are part of the format: never renumber.
public enum EntryKind: UInt8, Sendable, CaseIterable {
    case genesis = 1
    case addWriter = 2
    case removeWriter = 3
    /// An add-writer that answers one authorisation request (a denial of it cancels it).
    case approveRequest = 4
    /// The person denied one authorisation request: it can never be approved.
    case denyRequest = 5
    /// The database moved to a successor made under a new passphrase (signed by both roots).
    case succession = 6
    /// (In a successor.) The database it succeeds.
    case predecessor = 7
    case put = 16
    case delete = 17

    public var isMembership: Bool { rawValue < 16 }
}

/// Limits that every node enforces on entries it writes and accepts.
public enum EntryLimits {
    public static let formatVersion: UInt8 = 1
    /// Data operations that name the versions they replace.
    public static let replacingDataVersion: UInt8 = 2
    public static let maxKeyBytes = 1024
    public static let maxValueBytes = 512 * 1024
    public static let maxNodeNameBytes = 64
    public static let maxDomainBytes = 253
    public static let maxDependencies = 1024
    /// A block never exceeds this (a value plus key, deps and framing).
    public static let maxBlockBytes = 600 * 1024
}

/// Why a block could not be decoded or verified; one line each.
public enum EntryError: Error, Equatable, Sendable, CustomStringConvertible {
    case malformed(String)
    case unsupportedVersion(UInt8)
    case unknownKind(UInt8)
    case badRootSignature
    case undecryptable
    case tooLarge(String)

    public var description: String {
        switch self {
        case let .malformed(why): return "malformed entry: \(why)"
        case let .unsupportedVersion(v): return "unsupported entry format version \(v)"
        case let .unknownKind(k): return "unknown entry kind \(k)"
        case .badRootSignature: return "membership operation not signed by the database root key"
        case .undecryptable: return "entry payload does not decrypt with the data key"
        case let .tooLarge(what): return "\(what) is too large"
        }
    }
}
