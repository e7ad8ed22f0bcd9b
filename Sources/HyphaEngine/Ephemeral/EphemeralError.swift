/// Errors of the ephemeral channel and of answering authorisation requests, each one line a
/// person can act on (`hypha authorise ID`, `hypha deny ID`, joining).
public enum EphemeralError: UserFacingError, Equatable {
    case bodyTooLarge(bytes: Int, limit: Int)
    case nodeNameEmpty
    case nodeNameTooLong(bytes: Int, limit: Int)
    case invalidRequestID(String)
    case unknownRequest(String)
    case ambiguousRequestID(prefix: String, matches: Int)
    case requestNotPending(id: String, state: AuthorisationState)
    case requestExpired(id: String)
    case invalidCode(String)
    case codeMismatch(id: String)
    case requestDeniedElsewhere(id: String, by: String)
    case deviceAlreadyAuthorised(id: String, by: String)
    case deviceRevoked(id: String)

    public var description: String {
        switch self {
        case let .bodyTooLarge(bytes, limit):
            return "an ephemeral message of \(bytes) bytes does not fit in an envelope (at most \(limit))"
        case .nodeNameEmpty:
            return "the node name is empty; give this node a name such as 'laptop'"
        case let .nodeNameTooLong(bytes, limit):
            return "the node name is \(bytes) bytes long; at most \(limit) bytes of UTF-8 are allowed"
        case let .invalidRequestID(text):
            return "'\(Sanitise.forTerminal(text, limit: 40))' is not a request id (hex digits, as `hypha requests` shows)"
        case let .unknownRequest(id):
            return "no authorisation request \(Sanitise.forTerminal(id, limit: 40)); `hypha requests` lists them"
        case let .ambiguousRequestID(prefix, matches):
            return "'\(Sanitise.forTerminal(prefix, limit: 40))' matches \(matches) requests; give more digits"
        case let .requestNotPending(id, state):
            return "request \(id) is \(state.rawValue), not pending; nothing was changed"
        case let .requestExpired(id):
            return "request \(id) expired; the new node will send a fresh request"
        case let .invalidCode(text):
            return "'\(Sanitise.forTerminal(text, limit: 20))' is not a verification code (six digits, such as 482-193)"
        case let .codeMismatch(id):
            return "the code does not match request \(id); it was not approved"
        case let .requestDeniedElsewhere(id, by):
            return "request \(id) was denied by \(by); a denied request can never be approved (the node may ask again)"
        case let .deviceAlreadyAuthorised(id, by):
            return "the node of request \(id) is already authorised (by \(by)); nothing was changed"
        case let .deviceRevoked(id):
            return "the node of request \(id) was revoked; a revoked device can never be authorised again"
        }
    }
}
