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
    /// The key the person selected: the selection follows it when rows are inserted or
    /// removed above it (by another node, another process), instead of staying on the row number.
    var selectedKey: String?
    /// The search being typed (`/`); the applied one is `search`.
    var filter: TextFieldState?
    /// Keys and values containing the query (nil: the whole index is listed).
    var search: SearchState?
    /// The deleted keys, listed instead of the live ones (`D`); nil: the live entries.
    var deleted: DeletedList?
    /// The history view of one key (`h`), over the panes.
    var history: HistoryState?
    var detail = DetailState()
    var peers: [PeerRow] = []
    /// When the peers were read (the retry countdowns count from it).
    var peersLoadedAt: Double = 0
    /// Whether the backend has said once where it listens and who its peers are.
    var peersKnown = false
    var peerList = ListState()
    var writers: [NodeRow] = []
    var nodeList = ListState()
    /// Authorisation requests waiting, oldest first; the alert shows one at a time.
    var requests: [RequestRow] = []
    /// Requests answered here whose backend call may still be running.
    var answered: Set<String> = []
    /// Requests whose alert was put off (Esc): pending, answered from the nodes pane.
    var postponed: Set<String> = []
    var listenAddress: String?
    var editor: EditorState?
    var modal: MainModal?
    var help: ScrollState?
    /// Set once this device learns it was revoked: it reads but no longer writes or approves.
    var revocation: Revocation?
    /// What this database knows of its succession (nil: it has not moved): the banner, the
    /// status bar and the follow prompt say so.
    var succession: SuccessionNews?
    /// The follow prompt, while open.
    var followPrompt: FollowPromptState?
    /// The news the person put off with Esc: the prompt opens by itself again only for other
    /// news (a second, conflicting succession).
    var followPutOff: SuccessionNews?
    /// "Change passphrase…" (`P`), while open.
    var changePassphrase: ChangePassphraseState?
    private(set) var layout: MainLayout

    init(node: UnlockedNode, size: Size) {
        self.node = node
        self.entries = EntriesIndex(prefix: "", generation: 1)
        self.layout = MainLayout(size: size, focus: .entries, filterShown: false)
        relayout(size: size)
    }

    /// The layout for a terminal size (the view and `relayout` share it).
    func makeLayout(size: Size) -> MainLayout {
        MainLayout(size: size, focus: focus, filterShown: filter != nil || appliedQuery != nil,
                   bannerRows: Banner.lines(self, width: size.width).count)
    }

    /// Recomputes the layout and the viewport sizes the states page and scroll with.
    mutating func relayout(size: Size) {
        layout = makeLayout(size: size)
        list.viewportHeight = max(1, layout.entriesBody.height)
        peerList.viewportHeight = max(1, layout.peers.map(Pane.inner)?.height ?? 1)
        nodeList.viewportHeight = max(1, layout.nodes.map(Pane.inner)?.height ?? 1)
        history?.list.viewportHeight = max(1, HistoryView.areas(layout.body).list.height)
        if let editorArea = layout.editorValue {
            editor?.value.viewport = editorArea.size
            editor?.key.viewportWidth = max(1, layout.editorKey.width)
        }
    }

    var selectedEntry: EntrySummary? { list.selected.flatMap(row) }

    /// Whether a text input has the keyboard (alerts wait so typing cannot answer them).
    var isTyping: Bool { editor != nil || filter != nil || followPrompt != nil || changePassphrase != nil }

    /// A change of passphrase or a follow is under way (the node is being moved).
    var isMovingDatabase: Bool { changePassphrase?.isWorking == true || followPrompt?.isWorking == true }

    /// Requests this node can still answer: none once it is revoked, and none for a device
    /// that is already a writer or revoked (answered elsewhere; the backend closes them soon).
    var answerableRequests: [RequestRow] {
        guard revocation == nil else { return [] }
        let known = Set(writers.map(\.key))
        return requests.filter { !known.contains($0.deviceKey) }
    }
}

/// The selected entry with all its versions.
struct DetailState: Equatable {
    var key: String?
    var entry: EntryDetail?
    /// Which version is selected (conflicts are resolved by choosing one).
    var versions = ListState()
    /// What to open once the entry has loaded (e pressed before it arrived): the editor and the
    /// delete question must show the versions they replace, so they wait for them.
    var pending: PendingOpen?

    enum PendingOpen: Equatable {
        case edit, delete
    }
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
    /// The versions saving replaces: those shown when the editor opened (one of them when
    /// editing one version of a conflict; none when adding). A version written meanwhile by
    /// another node is not among them, so it stays and the entry shows both (a conflict)
    /// instead of losing that edit silently.
    var replaces: [VersionID]
    /// Every version of the key shown when the editor opened, to tell that it changed since.
    var shown: [VersionID]
    var isSaving = false

    static func add() -> EditorState {
        EditorState(mode: .add, key: TextFieldState(maxLength: EntryLimits.maxKeyBytes), value: TextEditorState(),
                    keyFocused: true, original: "", replaces: [], shown: [])
    }

    static func edit(key: String, value: String, replaces: [VersionID], shown: [VersionID]) -> EditorState {
        EditorState(mode: .edit(key: key), key: TextFieldState(text: key), value: TextEditorState(text: value),
                    keyFocused: false, original: value, replaces: replaces, shown: shown)
    }

    /// Whether the entry now holds other versions than when the editor opened (a write from
    /// another node arrived): saving then keeps that write too, as a conflict.
    func changedSinceOpened(current: EntryDetail?) -> Bool {
        guard case let .edit(key) = mode, let current, current.key == key else { return false }
        return Set(current.versionIDs) != Set(shown)
    }

    /// Whether closing would lose something (compares the whole text: for decisions, not frames).
    var isModified: Bool {
        if case .add = mode, !key.isEmpty { return true }
        return value.revision > 0 && value.text != original
    }

    /// Whether anything was typed since the editor opened: cheap, for the footer on every frame.
    var isTouched: Bool {
        if case .add = mode, !key.isEmpty { return true }
        return value.revision > 0
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
        /// Deletes exactly the versions shown when the question opened.
        case delete(key: String, replaces: [VersionID])
        case keepVersion(key: String, change: Change)
        case revoke(writer: String, name: String)
        /// Writes a version from the history again, replacing the versions current when it opened.
        case restore(key: String, change: Change, version: String)
        case discardEdit
        /// A revoked device deletes this database's data from itself.
        case removeLocalData
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
