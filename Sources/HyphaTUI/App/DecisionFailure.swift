import HyphaEngine

/// One line for an approval or denial that failed, naming the requester rather than the
/// request id (64 hex digits would fill the row).
enum DecisionFailure {
    static func describe(_ error: any Error, name: String, approving: Bool) -> String {
        switch error {
        case let EphemeralError.requestDeniedElsewhere(_, by):
            return "\(name) was denied by \(Sanitise.forTerminal(by, limit: 40)); a denied request can never be approved."
        case let EphemeralError.deviceAlreadyAuthorised(_, by):
            return "\(name) is already authorised (by \(Sanitise.forTerminal(by, limit: 40)))."
        case EphemeralError.deviceRevoked:
            return "\(name) was revoked; a revoked device can never be authorised again."
        default:
            return "Could not \(approving ? "authorise" : "deny") \(name): \(EffectsRunner.describe(error))"
        }
    }
}
