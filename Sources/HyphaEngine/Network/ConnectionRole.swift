/// Which side of a connection we are: the initiator dialled out and speaks first.
public enum ConnectionRole: Sendable, Equatable {
    case initiator
    case responder

    /// The role byte in the capability message.
    var capabilityByte: UInt8 { self == .initiator ? 0 : 1 }
    var other: ConnectionRole { self == .initiator ? .responder : .initiator }
}
