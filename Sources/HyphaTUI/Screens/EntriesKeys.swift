import HyphaEngine
import Widgets

/// Keys of the entries pane.
enum EntriesKeys {
    static func handle(_ key: Key, _ state: inout MainState, _ model: inout AppModel) -> [Command] {
        if state.list.handle(key, rowCount: state.entries.rowCount) { return [] }
        switch key {
        case .enter, .char("e"):
            guard let entry = state.selectedEntry else { return [] }
            if entry.isConflict {
                state.focus = .detail
                state.relayout(size: model.size)
                App.notify(&model, "'\(EntryText.key(entry.key))' has \(entry.versionCount) values: choose one with Enter, or edit one with e.")
                return []
            }
            return EditorKeys.open(key: entry.key, value: entry.value, &state, &model)
        case .char("d"), .delete:
            guard let entry = state.selectedEntry, MainScreen.requireWritable(state, &model) else { return [] }
            state.modal = MainModal(
                purpose: .delete(key: entry.key),
                dialog: AlertDialog(title: "Delete entry?",
                                    message: ["Delete '\(EntryText.key(entry.key))' on every node?",
                                              "The deletion replicates like any other write."],
                                    buttons: [AlertButton("Cancel", key: "n"), AlertButton("Delete", key: "y")],
                                    safeButton: 0),
                openedAt: model.now)
            return []
        case .esc:
            guard !state.entries.prefix.isEmpty else { return [] }
            return FilterKeys.apply(prefix: "", &state)
        default:
            return []
        }
    }
}

/// Keys while the filter (`/`) is being typed: the list follows every keystroke.
enum FilterKeys {
    static func handle(_ key: Key, _ state: inout MainState) -> [Command] {
        guard var field = state.filter else { return [] }
        switch key {
        case .enter:
            state.filter = nil
            state.relayout(size: state.layout.size)
            return []
        case .esc:
            state.filter = nil
            state.relayout(size: state.layout.size)
            return state.entries.prefix.isEmpty ? [] : apply(prefix: "", &state)
        case .up, .down, .pageUp, .pageDown:
            _ = state.list.handle(key, rowCount: state.entries.rowCount)
            return []
        default:
            let before = field.text
            guard field.handle(key) else { return [] }
            state.filter = field
            return field.text == before ? [] : apply(prefix: field.text, &state)
        }
    }

    /// Shows only keys starting with `prefix`: a new index generation, selection at the top.
    static func apply(prefix: String, _ state: inout MainState) -> [Command] {
        state.entries = EntriesIndex(prefix: prefix, generation: state.entries.generation + 1)
        state.list = ListState(viewportHeight: state.list.viewportHeight)
        state.relayout(size: state.layout.size)
        return state.entries.startCommands()
    }
}

/// Keys of the detail pane: choose among the versions of a conflict, or edit one.
enum DetailKeys {
    static func handle(_ key: Key, _ state: inout MainState, _ model: inout AppModel) -> [Command] {
        guard let entry = state.detail.entry else { return [] }
        if state.detail.versions.handle(key, rowCount: entry.versions.count) { return [] }
        let index = min(state.detail.versions.selected ?? 0, entry.versions.count - 1)
        let version = entry.versions[index]
        switch key {
        case .enter where entry.isConflict, .char("k") where entry.isConflict:
            guard MainScreen.requireWritable(state, &model) else { return [] }
            let change: Change = version.value.map { .put(key: entry.key, value: $0) } ?? .delete(key: entry.key)
            let what = version.isDeletion ? "the deletion" : "version \(index + 1)"
            state.modal = MainModal(
                purpose: .keepVersion(key: entry.key, change: change),
                dialog: AlertDialog(title: "Resolve conflict?",
                                    message: ["Keep \(what) of '\(EntryText.key(entry.key))' (from \(EntryText.writer(version)))?",
                                              "The other \(entry.versions.count - 1) value\(entry.versions.count == 2 ? "" : "s") will be replaced on every node."],
                                    buttons: [AlertButton("Cancel", key: "n"), AlertButton("Keep", key: "y")],
                                    safeButton: 0),
                openedAt: model.now)
            return []
        case .enter, .char("e"):
            return EditorKeys.open(key: entry.key, value: version.value, &state, &model)
        default:
            return []
        }
    }
}

/// Keys of the nodes pane: revoke an authorised node, answer a pending request.
enum NodesKeys {
    static func handle(_ key: Key, _ state: inout MainState, _ model: inout AppModel) -> [Command] {
        let nodes = state.nodes
        if state.nodeList.handle(key, rowCount: nodes.count) { return [] }
        guard let index = state.nodeList.selected, index < nodes.count else { return [] }
        let node = nodes[index]
        switch key {
        case .char("r"):
            guard node.status == .authorised else {
                App.notify(&model, "Only an authorised node can be revoked.", role: .statusWarning)
                return []
            }
            guard !node.isThisNode else {
                App.notify(&model, "This node cannot revoke itself here; revoke it from another of your nodes.", role: .statusWarning)
                return []
            }
            state.modal = MainModal(
                purpose: .revoke(writer: node.key, name: node.name),
                dialog: AlertDialog(title: "Revoke node?",
                                    message: ["Revoke node \"\(node.name)\" (key \(node.key.prefix(8)))?",
                                              "Its entries up to now stay; anything it writes later is ignored by every node. This cannot be undone."],
                                    buttons: [AlertButton("Cancel", key: "n"), AlertButton("Revoke", key: "y")],
                                    safeButton: 0),
                openedAt: model.now)
            return []
        case .enter:
            guard node.status == .pending, let id = node.requestID,
                  let request = state.requests.first(where: { $0.id == id }) else { return [] }
            state.answered.remove(id)
            AuthorisationQueue.open(request, &state, now: model.now)
            return []
        default:
            return []
        }
    }
}
