/// Identifies one connection for the life of a `PeerNetwork`.
public struct ConnectionID: Hashable, Comparable, Sendable, CustomStringConvertible {
    public let rawValue: UInt64
    public init(rawValue: UInt64) { self.rawValue = rawValue }
    public static func < (a: ConnectionID, b: ConnectionID) -> Bool { a.rawValue < b.rawValue }
    public var description: String { "#\(rawValue)" }
}

public enum TransportKind: String, Sendable, Equatable {
    case tcp
    case websocket
}

public enum ConnectionDirection: String, Sendable, Equatable {
    case inbound
    case outbound
}

/// The fixed facts of a connection, known before the handshake.
struct ConnectionDescriptor: Sendable, Equatable {
    let id: ConnectionID
    let role: ConnectionRole
    let transport: TransportKind
    /// Remote address as dialled (outbound) or as seen (inbound).
    let address: String

    var direction: ConnectionDirection { role == .initiator ? .outbound : .inbound }
}

/// What a session handler tells the network about its connection.
enum SessionNotice: Sendable {
    case opened(SessionHandle, RemoteNode)
    case event(SessionEvent)
    case closed(reason: CloseReason?, message: String, wasOpen: Bool)
}

typealias SessionObserver = @Sendable (ConnectionDescriptor, SessionNotice) -> Void
