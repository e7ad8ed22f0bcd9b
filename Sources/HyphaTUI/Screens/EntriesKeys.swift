import HyphaEngine
import Widgets

/// Keys of the entries pane. Editing and deleting work from the selected entry's detail (the
/// versions it shows are what the write replaces); pressed before it loaded, they wait for it.
enum EntriesKeys {
    static func handle(_ key: Key, _ state: inout MainState, _ model: inout AppModel) -> [Command] {
        if state.list.handle(key, rowCount: state.rowCount) {
            MainScreen.selectionMoved(&state)
            return []
        }
        if state.deleted != nil { return DeletedKeys.handle(key, &state, &model) }
        switch key {
        case .enter, .char("e"):
            return whenLoaded(.edit, &state, &model)
        case .char("d"), .delete:
            return whenLoaded(.delete, &state, &model)
        case .esc:
            guard state.search != nil else { return [] }
            return FilterKeys.apply(query: "", &state)
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

/// Keys while the search (`/`) is being typed: the list follows every keystroke.
enum FilterKeys {
    static func handle(_ key: Key, _ state: inout MainState) -> [Command] {
        guard var field = state.filter else { return [] }
        switch key {
        case .enter:
            state.filter = nil
            state.relayout(size: state.layout.size)
            return []
        case .esc:
            // Clears the search and cancels it if it is still running; the selection stays.
            state.filter = nil
            state.relayout(size: state.layout.size)
            return state.appliedQuery == nil ? [] : apply(query: "", &state)
        case .up, .down, .pageUp, .pageDown:
            _ = state.list.handle(key, rowCount: state.rowCount)
            MainScreen.selectionMoved(&state)
            return []
        default:
            let before = field.text
            guard field.handle(key) else { return [] }
            state.filter = field
            return field.text == before ? [] : apply(query: field.text, &state)
        }
    }

    /// Lists the keys and values containing `query` (all entries when it is empty). A new
    /// generation: whatever the previous search still had queued is dropped.
    static func apply(query typed: String, _ state: inout MainState) -> [Command] {
        let query = KeyText.nfc(typed)
        if state.deleted != nil { return DeletedKeys.filter(query: query, &state) }
        let generation = state.entries.generation + 1
        let total = state.entries.prefix.isEmpty ? state.entries.rowCount : nil
        state.entries = EntriesIndex(prefix: "", generation: generation)
        state.list = ListState(viewportHeight: state.list.viewportHeight)
        state.relayout(size: state.layout.size)
        guard !query.isEmpty else {
            state.search = nil
            return state.entries.startCommands()
        }
        let search = SearchState(query: query, generation: generation, total: total)
        state.search = search
        // The index keeps counting (for the progress) but loads no pages while searching.
        return [.count(generation: generation, prefix: ""), search.command(after: nil)]
    }
}

extension FilterKeys {
    /// The database changed after a search finished: search again with a new generation, and
    /// keep the matches on screen until the new search's first chunk replaces them.
    static func research(_ state: inout MainState) -> [Command] {
        guard var search = state.search else { return [] }
        let generation = state.entries.generation + 1
        state.entries = EntriesIndex(prefix: "", generation: generation)
        search.generation = generation
        search.scanned = 0
        search.done = false
        search.truncated = false
        search.replacing = true
        state.search = search
        return [.count(generation: generation, prefix: ""), search.command(after: nil)]
    }
}
