import HyphaEngine
import Widgets

/// The panes of the main screen, in Tab order.
enum PaneID: Int, CaseIterable, Equatable {
    case entries, detail, peers, nodes

    var title: String {
        switch self {
        case .entries: return "Entries"
        case .detail: return "Detail"
        case .peers: return "Peers"
        case .nodes: return "Nodes"
        }
    }
}

/// The main screen: entries, the selected entry, peers and nodes. It holds the only decrypted
/// values in the app; locking replaces it whole.
struct MainState: Equatable {
    var node: UnlockedNode
    var focus: PaneID = .entries
    var entries: EntriesIndex
    var list = ListState()
    /// The filter being typed (`/`); the applied prefix is `entries.prefix`.
    var filter: TextFieldState?
    var detail = DetailState()
    var peers: [PeerRow] = []
    var peerList = ListState()
    var writers: [NodeRow] = []
    var nodeList = ListState()
    /// Authorisation requests waiting, oldest first; the alert shows one at a time.
    var requests: [RequestRow] = []
    /// Requests answered here whose backend call may still be running.
    var answered: Set<String> = []
    var listenAddress: String?
    var editor: EditorState?
    var modal: MainModal?
    var help: ScrollState?
    var lastCatchUp: Double = 0
    private(set) var layout: MainLayout

    init(node: UnlockedNode, size: Size) {
        self.node = node
        self.entries = EntriesIndex(prefix: "", generation: 1)
        self.layout = MainLayout(size: size, focus: .entries, filterShown: false)
        relayout(size: size)
    }

    /// Recomputes the layout and the viewport sizes the states page and scroll with.
    mutating func relayout(size: Size) {
        layout = MainLayout(size: size, focus: focus, filterShown: filter != nil || !entries.prefix.isEmpty)
        list.viewportHeight = max(1, layout.entriesBody.height)
        peerList.viewportHeight = max(1, layout.peers.map(Pane.inner)?.height ?? 1)
        nodeList.viewportHeight = max(1, layout.nodes.map(Pane.inner)?.height ?? 1)
        if let editorArea = layout.editorValue {
            editor?.value.viewport = editorArea.size
            editor?.key.viewportWidth = max(1, layout.editorKey.width)
        }
    }

    var selectedEntry: EntrySummary? { list.selected.flatMap(entries.row) }

    /// Whether a text input has the keyboard (alerts wait so typing cannot answer them).
    var isTyping: Bool { editor != nil || filter != nil }
}

/// The selected entry with all its versions.
struct DetailState: Equatable {
    var key: String?
    var entry: EntryDetail?
    /// Which version is selected (conflicts are resolved by choosing one).
    var versions = ListState()
}

/// The add/edit form: a key field and a multi-line value editor.
struct EditorState: Equatable {
    enum Mode: Equatable {
        case add
        case edit(key: String)
    }

    var mode: Mode
    var key: TextFieldState
    var value: TextEditorState
    var keyFocused: Bool
    /// The value when the editor opened, to tell whether there is anything to lose.
    var original: String
    var isSaving = false

    static func add() -> EditorState {
        EditorState(mode: .add, key: TextFieldState(maxLength: EntryLimits.maxKeyBytes), value: TextEditorState(),
                    keyFocused: true, original: "")
    }

    static func edit(key: String, value: String) -> EditorState {
        EditorState(mode: .edit(key: key), key: TextFieldState(text: key), value: TextEditorState(text: value),
                    keyFocused: false, original: value)
    }

    var isModified: Bool {
        if case .add = mode, !key.isEmpty { return true }
        return value.text != original
    }

    var targetKey: String {
        if case let .edit(key) = mode { return key }
        return key.text
    }
}

/// An alert over the main screen, and what answering it does.
struct MainModal: Equatable {
    enum Purpose: Equatable {
        /// Holds its request: later arrivals never change what this alert approves.
        case authorise(RequestRow)
        case delete(key: String)
        case keepVersion(key: String, change: Change)
        case revoke(writer: String, name: String)
        case discardEdit
    }

    var purpose: Purpose
    var dialog: AlertDialog
    /// When it opened (letter keys are ignored for a moment, so typing cannot answer it).
    var openedAt: Double

    /// A yes/no question whose safe answer (`safe`, key n) has the focus; `action` is key y.
    static func confirm(_ purpose: Purpose, title: String, message: [String], action: String, safe: String = "Cancel",
                        now: Double) -> MainModal {
        MainModal(purpose: purpose,
                  dialog: AlertDialog(title: title, message: message,
                                      buttons: [AlertButton(safe, key: "n"), AlertButton(action, key: "y")], safeButton: 0),
                  openedAt: now)
    }
}
