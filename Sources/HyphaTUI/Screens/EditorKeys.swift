import HyphaEngine
import Widgets

/// Keys of the add/edit form: Ctrl-S (or F2) saves, Esc leaves (asking first when something
/// would be lost), Tab moves between the key and the value when adding.
enum EditorKeys {
    static func handle(_ key: Key, _ state: inout MainState, _ model: inout AppModel) -> [Command] {
        guard var editor = state.editor else { return [] }
        defer { if state.editor != nil { state.editor = editor } }
        switch key {
        case .ctrl("s"), .f(2):
            return save(&editor, state, &model)
        case .esc:
            if editor.isModified {
                state.modal = MainModal(
                    purpose: .discardEdit,
                    dialog: AlertDialog(title: "Discard changes?",
                                        message: ["The changes to '\(EntryText.key(editor.targetKey))' are not saved."],
                                        buttons: [AlertButton("Keep editing", key: "n"), AlertButton("Discard", key: "y")],
                                        safeButton: 0),
                    openedAt: model.now)
            } else {
                MainScreen.closeEditor(&state, size: model.size)
            }
            return []
        case .tab, .backTab:
            if case .add = editor.mode { editor.keyFocused.toggle() }
            return []
        case .enter where editor.keyFocused:
            editor.keyFocused = false
            return []
        default:
            if editor.keyFocused {
                _ = editor.key.handle(key)
            } else {
                _ = editor.value.handle(key)
            }
            return []
        }
    }

    private static func save(_ editor: inout EditorState, _ state: MainState, _ model: inout AppModel) -> [Command] {
        guard !editor.isSaving else { return [] }
        let key = editor.targetKey
        guard !key.isEmpty else {
            App.notify(&model, "The key is empty.", role: .statusWarning)
            editor.keyFocused = true
            return []
        }
        guard MainScreen.requireWritable(state, &model) else { return [] }
        editor.isSaving = true
        return [.write([.put(key: key, value: Array(editor.value.text.utf8))], .saved(key: key))]
    }

    /// Opens the editor on an existing entry (or one version of it).
    static func open(key: String, value: [UInt8]?, _ state: inout MainState, _ model: inout AppModel) -> [Command] {
        guard MainScreen.requireWritable(state, &model) else { return [] }
        let bytes = value ?? []
        guard let text = String(validating: bytes, as: UTF8.self) else {
            App.notify(&model, "This value is not text (\(bytes.count) bytes); edit it with `hypha put`.", role: .statusWarning)
            return []
        }
        state.editor = .edit(key: key, value: text)
        state.relayout(size: model.size)
        return []
    }
}

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

/// What finished writes and backend actions do to the screen.
enum ActionResults {
    static func apply(_ result: ActionResult, _ state: inout MainState, _ model: inout AppModel) -> [Command] {
        if let failure = result.failure {
            if case .saved = result.kind { state.editor?.isSaving = false }
            if case let .authorised(id) = result.kind { state.answered.remove(id) }
            if case let .denied(id) = result.kind { state.answered.remove(id) }
            App.notify(&model, failure, role: .statusError)
            return [.loadRequests]
        }
        switch result.kind {
        case let .saved(key):
            if state.editor?.isSaving == true { MainScreen.closeEditor(&state, size: model.size) }
            App.notify(&model, "Saved '\(EntryText.key(key))'.", role: .status)
            return []
        case let .deleted(key):
            App.notify(&model, "Deleted '\(EntryText.key(key))'.")
            return []
        case let .resolved(key):
            App.notify(&model, "Resolved '\(EntryText.key(key))'.")
            return []
        case let .authorised(id):
            let name = state.requests.first { $0.id == id }?.nodeName ?? "the node"
            AuthorisationQueue.finish(&state, requestID: id)
            App.notify(&model, "Authorised \(name).")
            return [.loadRequests, .loadNodes]
        case let .denied(id):
            AuthorisationQueue.finish(&state, requestID: id)
            App.notify(&model, "Denied the request.")
            return [.loadRequests]
        case let .revoked(name):
            App.notify(&model, "Revoked \(name).")
            return [.loadNodes]
        }
    }
}
