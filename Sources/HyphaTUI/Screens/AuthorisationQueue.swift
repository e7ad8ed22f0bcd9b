import HyphaEngine
import Widgets

/// Authorisation requests: queued in arrival order and shown one alert at a time. The open
/// alert holds its own request, so later arrivals only lengthen the queue.
enum AuthorisationQueue {
    static func enqueue(_ state: inout MainState, _ request: RequestRow) {
        guard !state.requests.contains(where: { $0.id == request.id }) else { return }
        state.requests.append(request)
    }

    /// The backend's list of pending requests: known ones keep their place, new ones join the
    /// end, decided ones leave (an open alert stays open until answered).
    static func replace(_ state: inout MainState, with rows: [RequestRow]) {
        let pending = Set(rows.map(\.id))
        state.requests.removeAll { !pending.contains($0.id) }
        for row in rows { enqueue(&state, row) }
        state.answered.formIntersection(pending)
        state.nodeList.clamp(rowCount: state.nodes.count)
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
        return state.requests.filter { $0.id != open && !state.answered.contains($0.id) }.count
    }

    /// Opens the next alert when no other alert, help or text input has the keyboard.
    static func presentNext(_ state: inout MainState, now: Double) {
        guard state.modal == nil, state.help == nil, !state.isTyping,
              let next = state.requests.first(where: { !state.answered.contains($0.id) }) else { return }
        open(next, &state, now: now)
    }

    static func open(_ request: RequestRow, _ state: inout MainState, now: Double) {
        guard state.modal == nil else { return }
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
