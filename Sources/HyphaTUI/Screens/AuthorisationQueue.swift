import HyphaEngine
import Widgets

/// Authorisation requests: queued in arrival order and shown one alert at a time. The open
/// alert holds its own request, so later arrivals only lengthen the queue; it closes by itself
/// when the request is answered elsewhere.
enum AuthorisationQueue {
    static func enqueue(_ state: inout MainState, _ request: RequestRow) {
        guard !state.requests.contains(where: { $0.id == request.id }) else { return }
        state.requests.append(request)
    }

    /// The backend's list of pending requests: known ones keep their place, new ones join the
    /// end, decided ones leave. When the open alert's request is gone from the list, asks what
    /// became of it: a list read just before a new request was stored must not close its alert.
    static func replace(_ state: inout MainState, with rows: [RequestRow]) -> [Command] {
        let pending = Set(rows.map(\.id))
        state.requests.removeAll { !pending.contains($0.id) }
        for row in rows { enqueue(&state, row) }
        state.answered.formIntersection(pending)
        state.nodeList.clamp(rowCount: state.nodes.count)
        if case let .authorise(request) = state.modal?.purpose, !pending.contains(request.id) {
            return [.checkRequest(id: request.id)]
        }
        return []
    }

    /// Request `id` is no longer pending: its alert, if open, closes with a word on why.
    static func closed(_ state: inout MainState, requestID id: String, _ outcome: RequestOutcome, _ model: inout AppModel) {
        state.requests.removeAll { $0.id == id }
        guard case let .authorise(request) = state.modal?.purpose, request.id == id else { return }
        state.modal = nil
        App.notify(&model, notice(for: request, outcome))
    }

    /// Closes the open alert when its device became a writer or was revoked (the decision
    /// reached this node before the backend closed the request).
    static func closeIfDeviceKnown(_ state: inout MainState, _ model: inout AppModel) {
        guard case let .authorise(request) = state.modal?.purpose,
              state.writers.contains(where: { $0.key == request.deviceKey }) else { return }
        state.modal = nil
        App.notify(&model, notice(for: request, .approved))
    }

    static func notice(for request: RequestRow, _ outcome: RequestOutcome) -> String {
        switch outcome {
        case .approved, .denied: return "Request from \(request.nodeName) was answered on another node."
        case .expired: return "Request from \(request.nodeName) expired."
        case .superseded: return "Request from \(request.nodeName) was replaced by a newer one."
        case .pending, .gone: return "Request from \(request.nodeName) is no longer pending."
        }
    }

    /// Removes a request once answered.
    static func finish(_ state: inout MainState, requestID: String) {
        state.requests.removeAll { $0.id == requestID }
        state.answered.remove(requestID)
    }

    /// Requests waiting behind the open alert.
    static func waiting(_ state: MainState) -> Int {
        var open: String?
        if case let .authorise(request) = state.modal?.purpose { open = request.id }
        return state.answerableRequests.filter { $0.id != open && !state.answered.contains($0.id) }.count
    }

    /// Opens the next alert when no other alert, help or text input has the keyboard.
    static func presentNext(_ state: inout MainState, now: Double) {
        guard state.modal == nil, state.help == nil, !state.isTyping,
              let next = state.answerableRequests.first(where: { !state.answered.contains($0.id) && !state.postponed.contains($0.id) })
        else { return }
        open(next, &state, now: now)
    }

    static func open(_ request: RequestRow, _ state: inout MainState, now: Double) {
        guard state.modal == nil, state.revocation == nil else { return }
        state.modal = MainModal(
            purpose: .authorise(request),
            dialog: AlertDialog(title: "Authorise node?",
                                message: ["Authorise node \"\(request.nodeName)\"? code \(request.code)",
                                          "Device key \(request.deviceKeyShort)… Compare the code with the one the new node shows."],
                                buttons: [AlertButton("Deny", key: "d"), AlertButton("Authorise", key: "a")],
                                safeButton: 0),
            openedAt: now)
    }
}
