import Dispatch
import Synchronization

/// Where a join stands on the joiner.
public enum JoinState: Sendable, Equatable {
    case waiting
    /// `reason` as sent by the approver; display it through `Sanitise.forTerminal`.
    case denied(reason: String)
    case authorised
    case cancelled
}

/// What the joiner's UI hears about.
public enum JoinEvent: Sendable, Equatable {
    /// The previous request reached its lifetime; a new one (new id and code) is being sent.
    case newRequest(RequestID, VerificationCode)
    /// An approver says it added this device; only a hint until the add-writer replicates.
    case grantReceived(AuthorisationGrant)
    case denied(AuthorisationDenial)
}

/// The joiner's side: builds and signs a Request with the device key, sends it now and every
/// `resendInterval` until stopped (authorised, denied or cancelled), and shows the code. A
/// request older than `requestLifetime` (the approver expires it then) is replaced by a fresh
/// one with a new id and code. Deny and Granted count only when they name the current id.
///
/// Thread-safe: state sits behind a `Mutex`; `send` and `onEvent` are called outside it, on
/// the requester's timer queue or the caller's thread.
public final class JoinRequester: Sendable {
    public typealias Send = @Sendable (_ envelope: [UInt8]) -> Void

    private let databaseID: DatabaseID
    private let discoveryID: DiscoveryID
    private let channelKey: SecureBytes
    private let deviceKeys: SigningKeyPair
    private let nodeName: String
    private let resendInterval: EpochMilliseconds
    private let requestLifetime: EpochMilliseconds
    private let now: @Sendable () -> EpochMilliseconds
    private let send: Send
    private let onEvent: @Sendable (JoinEvent) -> Void
    private let timerQueue = DispatchQueue(label: "hypha.join-requester")
    private let state: Mutex<Current>

    private struct Current {
        var request: AuthorisationRequestMessage
        var code: VerificationCode
        var createdAt: EpochMilliseconds
        var phase: JoinState = .waiting
        var started = false
    }

    /// Throws when `nodeName` is empty or longer than 64 bytes of UTF-8.
    public init(databaseID: DatabaseID, channelKey: SecureBytes, deviceKeys: SigningKeyPair, nodeName: String,
                resendInterval: EpochMilliseconds = 5_000, requestLifetime: EpochMilliseconds = 10 * 60 * 1000,
                now: @escaping @Sendable () -> EpochMilliseconds = EphemeralTiming.systemClock,
                send: @escaping Send, onEvent: @escaping @Sendable (JoinEvent) -> Void = { _ in }) throws {
        self.databaseID = databaseID
        discoveryID = DiscoveryID(databaseID: databaseID)
        self.channelKey = channelKey
        self.deviceKeys = deviceKeys
        self.nodeName = nodeName
        self.resendInterval = max(1, resendInterval)
        self.requestLifetime = requestLifetime
        self.now = now
        self.send = send
        self.onEvent = onEvent
        let request = try AuthorisationRequestMessage(databaseID: databaseID, nodeName: nodeName, deviceKeys: deviceKeys)
        state = Mutex(Current(request: request, code: request.verificationCode(databaseID: databaseID), createdAt: now()))
    }

    public var requestID: RequestID { state.withLock { $0.request.requestID } }
    /// The code to show ("NNN-NNN"); the approver's alert shows the same one.
    public var verificationCode: VerificationCode { state.withLock { $0.code } }
    public var joinState: JoinState { state.withLock { $0.phase } }

    /// Sends the request now and then every `resendInterval` while waiting.
    public func start() {
        let first = state.withLock { current -> Bool in
            guard current.phase == .waiting, !current.started else { return false }
            current.started = true
            return true
        }
        if first { timerQueue.async { [weak self] in self?.sendAndReschedule() } }
    }

    /// Stops sending: the add-writer for this device replicated (`.authorised`) or the person
    /// gave up (`.cancelled`). A later Deny or Granted is then ignored.
    public func stop(_ outcome: JoinState) {
        state.withLock { current in
            if current.phase == .waiting { current.phase = outcome }
        }
    }

    /// `stop`, then waits for a send in progress on the timer queue (so the keys may be wiped).
    public func stopAndWait(_ outcome: JoinState) {
        stop(outcome)
        timerQueue.sync {}
    }

    private func sendAndReschedule() {
        guard tick() else { return }
        timerQueue.asyncAfter(deadline: .now() + .milliseconds(Int(clamping: resendInterval))) { [weak self] in
            self?.sendAndReschedule()
        }
    }

    /// Handles a decoded authorisation message; anything not naming the current request id is
    /// ignored. Returns whether it was for this request.
    @discardableResult
    public func handle(_ message: AuthorisationMessage) -> Bool {
        switch message {
        case .request:
            return false
        case let .granted(grant):
            guard grant.requestID == requestID, joinState == .waiting else { return false }
            onEvent(.grantReceived(grant))
            return true
        case let .denied(denial):
            let ours = state.withLock { current -> Bool in
                guard current.request.requestID == denial.requestID, current.phase == .waiting else { return false }
                current.phase = .denied(reason: denial.reason)
                return true
            }
            guard ours else { return false }
            onEvent(.denied(denial))
            return true
        }
    }

    /// One send: rotates the request when it has reached its lifetime, then seals and sends it.
    /// Returns false once the requester no longer waits.
    @discardableResult
    func tick() -> Bool {
        let now = self.now()
        let step = state.withLock { current -> (AuthorisationRequestMessage, rotated: Bool)? in
            guard current.phase == .waiting else { return nil }
            var rotated = false
            if now >= current.createdAt &+ requestLifetime,
               let fresh = try? AuthorisationRequestMessage(databaseID: databaseID, nodeName: nodeName, deviceKeys: deviceKeys) {
                current.request = fresh
                current.code = fresh.verificationCode(databaseID: databaseID)
                current.createdAt = now
                rotated = true
            }
            return (current.request, rotated)
        }
        guard let (request, rotated) = step else { return false }
        if rotated { onEvent(.newRequest(request.requestID, request.verificationCode(databaseID: databaseID))) }
        if let envelope = try? EphemeralEnvelope.seal(type: .authorisationRequest, body: request.encoded,
                                                      discoveryID: discoveryID, channelKey: channelKey, sentAt: now) {
            send(envelope)
        }
        return true
    }
}
