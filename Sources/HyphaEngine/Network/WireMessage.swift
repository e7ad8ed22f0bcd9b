/// What a node says about itself in Open. Bits other than these are ignored by receivers.
public struct PeerFlags: OptionSet, Sendable, Hashable {
    public let rawValue: UInt8
    public init(rawValue: UInt8) { self.rawValue = rawValue }

    /// A relay-only, always-on node (holds no secret).
    public static let alwaysOn = PeerFlags(rawValue: 1 << 0)
    /// The node is an authorised writer.
    public static let writable = PeerFlags(rawValue: 1 << 1)
}

/// The reason code carried by Close. Unknown codes are kept as they are.
public struct CloseReason: RawRepresentable, Hashable, Sendable, CustomStringConvertible {
    public let rawValue: UInt8
    public init(rawValue: UInt8) { self.rawValue = rawValue }

    public static let normal = CloseReason(rawValue: 0)
    public static let protocolError = CloseReason(rawValue: 1)
    public static let badData = CloseReason(rawValue: 2)
    public static let incompatibleVersion = CloseReason(rawValue: 3)
    public static let selfConnection = CloseReason(rawValue: 4)
    public static let timeout = CloseReason(rawValue: 5)
    public static let overloaded = CloseReason(rawValue: 6)
    public static let storeFailure = CloseReason(rawValue: 7)

    public var description: String {
        switch self {
        case .normal: return "closed"
        case .protocolError: return "protocol error"
        case .badData: return "bad data"
        case .incompatibleVersion: return "incompatible protocol version"
        case .selfConnection: return "connection to self"
        case .timeout: return "timed out"
        case .overloaded: return "overloaded"
        case .storeFailure: return "storage failure"
        default: return "reason \(rawValue)"
        }
    }
}

/// The first encrypted message in each direction.
public struct OpenMessage: Sendable, Equatable {
    public var protocolVersion: UInt16
    public var capability: [UInt8]
    public var nodeName: String
    public var flags: PeerFlags
    /// Random per running node; a session whose remote nonce equals ours is a connection to self.
    public var nodeNonce: UInt64

    public init(protocolVersion: UInt16 = WireLimits.protocolVersion, capability: [UInt8], nodeName: String,
                flags: PeerFlags, nodeNonce: UInt64) {
        self.protocolVersion = protocolVersion
        self.capability = capability
        self.nodeName = nodeName
        self.flags = flags
        self.nodeNonce = nodeNonce
    }
}

/// One message: the plaintext of one encrypted frame is `u8 type ‖ body`.
public enum WireMessage: Sendable, Equatable {
    case open(OpenMessage)
    case have([SignedHead])
    case want(writer: PublicKey, start: UInt64, end: UInt64)
    case data(BlockChunk)
    case noData(writer: PublicKey, start: UInt64)
    case ephemeral(hops: UInt8, envelope: [UInt8])
    case ping(UInt64)
    case pong(UInt64)
    case close(reason: CloseReason, message: String)
    case evidence(Evidence)

    /// Type bytes on the wire.
    enum Kind: UInt8 {
        case open = 1, have, want, data, noData, ephemeral, ping, pong, close, evidence
    }

    var kind: Kind {
        switch self {
        case .open: return .open
        case .have: return .have
        case .want: return .want
        case .data: return .data
        case .noData: return .noData
        case .ephemeral: return .ephemeral
        case .ping: return .ping
        case .pong: return .pong
        case .close: return .close
        case .evidence: return .evidence
        }
    }
}
