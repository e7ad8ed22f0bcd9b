import HyphaEngine
import Widgets

/// The entries pane's "show deleted" mode (`D`): the keys whose every current version is a
/// deletion (`HyphaDatabase.deletedKeys`), so that one can be found, its history opened and a
/// version restored. The keys are read in chunks in the background, like the search's, and
/// belong to an index generation (toggling or a change starts a new one, and the runner skips
/// queued chunks of older ones). `/` filters them by key, in memory.
struct DeletedList: Equatable {
    static let chunk = 1024
    /// Keys kept (a database with more says the list stops there).
    static let maxKeys = 20_000

    var generation: Int
    private(set) var keys: [String] = []
    /// The rows: the keys containing `query` (all of them when it is empty).
    private(set) var shown: [String] = []
    private(set) var query = ""
    var done = false
    var truncated = false
    /// Reading again after a change: the old keys stay until the first chunk arrives.
    var replacing = false

    init(generation: Int, query: String = "") {
        self.generation = generation
        self.query = query
    }

    func command(after: String?) -> Command { .loadDeleted(generation: generation, after: after) }

    /// A chunk arrived: keep its keys and ask for the next chunk.
    mutating func receive(_ step: DeletedStep) -> [Command] {
        guard step.generation == generation else { return [] }
        if replacing {
            keys = []
            replacing = false
        }
        let room = Self.maxKeys - keys.count
        if step.keys.count > room { truncated = true }
        keys += step.keys.prefix(max(0, room))
        refilter()
        if step.done || truncated || step.keys.isEmpty {
            done = true
            return []
        }
        return [command(after: step.keys.last)]
    }

    mutating func filter(_ query: String) {
        self.query = query
        refilter()
    }

    private mutating func refilter() {
        guard !query.isEmpty else {
            shown = keys
            return
        }
        let needle = SearchState.fold(query)
        shown = keys.filter { SearchState.fold($0).contains(needle) }
    }

    /// A deleted key as a list row: no value, shown as "(deleted)".
    static func row(_ key: String) -> EntrySummary {
        EntrySummary(key: key, value: nil, versionCount: 1, timestamp: 0)
    }
}

/// One chunk of deleted keys (from the effects runner).
struct DeletedStep: Sendable, Equatable {
    var generation: Int
    var keys: [String]
    var done: Bool
}

/// Keys of the "show deleted" mode: the toggle, and what Enter, e and d mean on a deleted key.
enum DeletedKeys {
    /// `D`: lists the deleted keys instead of the live ones, or back. Either way a new index
    /// generation: a running search stops, and the selection follows its key where it can.
    static func toggle(_ state: inout MainState, _ model: inout AppModel) -> [Command] {
        state.focus = .entries
        state.filter = nil
        state.search = nil
        let generation = state.entries.generation + 1
        state.entries = EntriesIndex(prefix: "", generation: generation)
        state.list = ListState(viewportHeight: state.list.viewportHeight)
        if state.deleted != nil {
            state.deleted = nil
            state.relayout(size: model.size)
            return state.entries.startCommands()
        }
        let deleted = DeletedList(generation: generation)
        state.deleted = deleted
        state.relayout(size: model.size)
        return [deleted.command(after: nil)]
    }

    /// The database changed: read the deleted keys again, keeping the rows on screen until the
    /// first chunk replaces them.
    static func reload(_ state: inout MainState) -> [Command] {
        guard var deleted = state.deleted else { return [] }
        let generation = state.entries.generation + 1
        state.entries = EntriesIndex(prefix: "", generation: generation)
        deleted.generation = generation
        deleted.done = false
        deleted.truncated = false
        deleted.replacing = true
        state.deleted = deleted
        return [deleted.command(after: nil)]
    }

    /// `/` while deleted keys are listed: filters them by key.
    static func filter(query: String, _ state: inout MainState) -> [Command] {
        state.deleted?.filter(query)
        state.list = ListState(viewportHeight: state.list.viewportHeight)
        state.relayout(size: state.layout.size)
        return []
    }

    /// Enter and e open the history (where a version is brought back); d has nothing to delete.
    static func handle(_ key: Key, _ state: inout MainState, _ model: inout AppModel) -> [Command] {
        switch key {
        case .enter, .char("e"):
            return HistoryKeys.open(&state, &model)
        case .char("d"), .delete:
            guard let entry = state.selectedEntry else { return [] }
            App.notify(&model, "'\(EntryText.key(entry.key))' is deleted: Enter shows its history, where r restores a version.")
            return []
        case .esc:
            // Back one step: the filter first, then the live entries.
            if state.deleted?.query.isEmpty == false { return filter(query: "", &state) }
            return toggle(&state, &model)
        default:
            return []
        }
    }
}
