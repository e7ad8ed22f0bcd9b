import HyphaEngine
import Widgets

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
            // Replaces the versions on screen; one written meanwhile elsewhere stays in conflict.
            let ids = entry.versionIDs
            let change: Change = version.value.map { .put(key: entry.key, value: $0, replaces: ids) } ?? .delete(key: entry.key, replaces: ids)
            let what = version.isDeletion ? "the deletion" : "version \(index + 1)"
            state.modal = .confirm(.keepVersion(key: entry.key, change: change), title: "Resolve conflict?",
                message: ["Keep \(what) of '\(EntryText.key(entry.key))' (from \(EntryText.writer(version)))?",
                          "The other \(entry.versions.count - 1) value\(entry.versions.count == 2 ? "" : "s") will be replaced on every node."],
                action: "Keep", now: model.now)
            return []
        case .enter, .char("e"):
            return EditorKeys.open(entry, version: index, &state, &model)
        default:
            return []
        }
    }
}
