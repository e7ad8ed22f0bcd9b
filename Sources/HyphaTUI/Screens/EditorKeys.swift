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
                state.modal = .confirm(.discardEdit, title: "Discard changes?",
                    message: ["The changes to '\(EntryText.key(editor.targetKey))' are not saved."],
                    action: "Discard", safe: "Keep editing", now: model.now)
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
        // Keys are stored in NFC, so "é" typed as e + U+0301 is the same key as "é".
        // (An entry being edited keeps its key exactly as stored.)
        let key = editor.mode == .add ? KeyText.nfc(editor.targetKey) : editor.targetKey
        guard !key.isEmpty else {
            App.notify(&model, "The key is empty.", role: .statusWarning)
            editor.keyFocused = true
            return []
        }
        guard MainScreen.requireWritable(state, &model) else { return [] }
        editor.isSaving = true
        // Exactly what the person saw: a version another node wrote meanwhile stays (a conflict).
        return [.write([.put(key: key, value: Array(editor.value.text.utf8), replaces: editor.replaces)], .saved(key: key))]
    }

    /// Opens the editor on a loaded entry: on version `index` of a conflict (saving replaces
    /// that version only), otherwise on the entry (saving replaces every version shown).
    static func open(_ entry: EntryDetail, version index: Int?, _ state: inout MainState, _ model: inout AppModel) -> [Command] {
        guard MainScreen.requireWritable(state, &model), !entry.versions.isEmpty else { return [] }
        let version = entry.isConflict ? entry.versions[min(index ?? 0, entry.versions.count - 1)] : entry.winner
        let bytes = version.value ?? []
        guard let text = String(validating: bytes, as: UTF8.self) else {
            App.notify(&model, "This value is not text (\(bytes.count) bytes); edit it with `hypha put`.", role: .statusWarning)
            return []
        }
        state.editor = .edit(key: entry.key, value: text, replaces: entry.isConflict ? [version.id] : entry.versionIDs,
                             shown: entry.versionIDs)
        state.relayout(size: model.size)
        return []
    }
}
