import HyphaEngine
import Widgets

/// Keys of the entries pane. Editing and deleting work from the selected entry's detail (the
/// versions it shows are what the write replaces); pressed before it loaded, they wait for it.
enum EntriesKeys {
    static func handle(_ key: Key, _ state: inout MainState, _ model: inout AppModel) -> [Command] {
        if state.list.handle(key, rowCount: state.entries.rowCount) {
            MainScreen.selectionMoved(&state)
            return []
        }
        switch key {
        case .enter, .char("e"):
            return whenLoaded(.edit, &state, &model)
        case .char("d"), .delete:
            return whenLoaded(.delete, &state, &model)
        case .esc:
            guard !state.entries.prefix.isEmpty else { return [] }
            return FilterKeys.apply(prefix: "", &state)
        default:
            return []
        }
    }

    /// Runs `action` on the selected entry now if its detail is here, else once it arrives.
    private static func whenLoaded(_ action: DetailState.PendingOpen, _ state: inout MainState,
                                   _ model: inout AppModel) -> [Command] {
        guard let selected = state.selectedEntry, MainScreen.requireWritable(state, &model) else { return [] }
        guard selected.key == state.detail.key, let entry = state.detail.entry else {
            state.detail.pending = action
            return []
        }
        return perform(action, entry, &state, &model)
    }

    /// After the detail loaded: the action pressed while it was loading, unless something else
    /// took the keyboard meanwhile.
    static func openPending(_ state: inout MainState, _ model: inout AppModel) -> [Command] {
        guard let action = state.detail.pending else { return [] }
        state.detail.pending = nil
        guard state.modal == nil, state.help == nil, !state.isTyping else { return [] }
        guard let entry = state.detail.entry, !entry.isDeleted else {
            App.notify(&model, "'\(EntryText.key(state.detail.key ?? ""))' no longer exists.", role: .statusWarning)
            return []
        }
        return perform(action, entry, &state, &model)
    }

    private static func perform(_ action: DetailState.PendingOpen, _ entry: EntryDetail, _ state: inout MainState,
                                _ model: inout AppModel) -> [Command] {
        switch action {
        case .edit:
            if entry.isConflict {
                state.focus = .detail
                state.relayout(size: model.size)
                App.notify(&model, "'\(EntryText.key(entry.key))' has \(entry.versions.count) values: choose one with Enter, or edit one with e.")
                return []
            }
            return EditorKeys.open(entry, version: nil, &state, &model)
        case .delete:
            let values = entry.versions.count
            state.modal = .confirm(.delete(key: entry.key, replaces: entry.versionIDs), title: "Delete entry?",
                message: ["Delete '\(EntryText.key(entry.key))' on every node?",
                          values > 1 ? "The deletion replaces all \(values) values shown; it replicates like any other write."
                                     : "The deletion replicates like any other write."],
                action: "Delete", now: model.now)
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
            MainScreen.selectionMoved(&state)
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
