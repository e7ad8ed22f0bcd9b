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
            state.modal = .confirm(.delete(key: entry.key), title: "Delete entry?",
                message: ["Delete '\(EntryText.key(entry.key))' on every node?",
                          "The deletion replicates like any other write."],
                action: "Delete", now: model.now)
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
