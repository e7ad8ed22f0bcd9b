import HyphaEngine
import Widgets

/// The history view (`h`): every version of one key ever written, deletions included, newest
/// first, with the lane column that shows which version each came after (`HistoryGraph`).
/// Loaded in the background (`loadHistory`), again after every change while it is open.
struct HistoryState: Equatable {
    var key: String
    /// Newest first; nil until loaded.
    private(set) var rows: [HistoryRow]?
    private(set) var failure: String?
    var list = ListState()

    init(key: String) {
        self.key = key
    }

    var rowCount: Int { rows?.count ?? 0 }

    var selected: HistoryRow? {
        guard let rows, let index = list.selected, rows.indices.contains(index) else { return nil }
        return rows[index]
    }

    /// The key's current versions: what a restore replaces.
    var current: [HistoryVersion] { rows?.map(\.item).filter(\.isCurrent) ?? [] }

    /// A (re)load arrived: the selection stays on its version.
    mutating func receive(_ versions: [HistoryVersion], failure: String?) {
        let kept = selected?.item.version.id
        let items = Array(versions.reversed())
        let rows = zip(items, HistoryGraph.lanes(items)).map { HistoryRow(item: $0, graph: $1) }
        self.rows = rows
        self.failure = failure
        list.select(kept.flatMap { id in rows.firstIndex { $0.item.version.id == id } } ?? 0, rowCount: rows.count)
    }
}

/// One version in the history view, with its graph cells.
struct HistoryRow: Equatable {
    var item: HistoryVersion
    var graph: String
}

/// Keys of the history view: move, restore the selected version (asks; Keep is the default),
/// and Esc or q to close it (Ctrl-C is Esc here, as in help and dialogs).
enum HistoryKeys {
    /// Opens the history of the selected entry.
    static func open(_ state: inout MainState, _ model: inout AppModel) -> [Command] {
        guard let key = state.selectedEntry?.key ?? state.detail.key else {
            App.notify(&model, "Select an entry to see its history.", role: .statusWarning)
            return []
        }
        state.history = HistoryState(key: key)
        state.relayout(size: model.size)
        return [.loadHistory(key)]
    }

    static func handle(_ key: Key, _ state: inout MainState, _ model: inout AppModel) -> [Command] {
        guard var history = state.history else { return [] }
        switch key {
        case .esc, .char("q"), .char("h"):
            state.history = nil
            state.relayout(size: model.size)
        case .char("?"), .f(1):
            MainScreen.openHelp(&state, size: model.size)
        case .char("r"), .enter:
            return askToRestore(&state, &model)
        case let .mouse(event):
            let area = HistoryView.areas(state.layout.body).list
            _ = history.list.handle(event, line: event.y - area.y, rowCount: history.rowCount, height: area.height)
            state.history = history
        default:
            if history.list.handle(key, rowCount: history.rowCount) { state.history = history }
        }
        return []
    }

    /// Asks before writing the selected version again over the key's current versions.
    private static func askToRestore(_ state: inout MainState, _ model: inout AppModel) -> [Command] {
        guard let history = state.history, let row = history.selected else { return [] }
        let version = row.item.version
        let current = history.current
        let key = EntryText.key(history.key)
        if row.item.isCurrent && current.count == 1 {
            App.notify(&model, "This is already the current \(version.isDeletion ? "state" : "value") of '\(key)'.")
            return []
        }
        guard MainScreen.requireWritable(state, &model) else { return [] }
        // Replaces exactly the versions on screen: one written meanwhile elsewhere stays, in conflict.
        let ids = current.map(\.version.id)
        let change: Change = version.value.map { .put(key: history.key, value: $0, replaces: ids) }
            ?? .delete(key: history.key, replaces: ids)
        let id = version.id.description
        let by = "\(EntryText.writer(version)), \(EntryText.time(version.timestamp)) UTC"
        let replaced = current.count == 1 ? (current[0].version.isDeletion ? "its deletion" : "its current value")
                                          : "its \(current.count) current values"
        state.modal = .confirm(.restore(key: history.key, change: change, version: id), title: "Restore version?",
            message: [version.isDeletion ? "Restore the deletion \(id) (\(by)): delete '\(key)' again?"
                                         : "Make version \(id) (\(by)) the value of '\(key)' again?",
                      "This replaces \(replaced) on every node; the history keeps every version."],
            action: "Restore", safe: "Keep", now: model.now)
        return []
    }
}
