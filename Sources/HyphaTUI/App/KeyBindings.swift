import Widgets

/// Every key binding of the main screen, in one table: the help overlay shows all of it, the
/// hint bar the part that fits the current context, and README.md ("Keys in the app") repeats it.
enum KeyBindings {
    static let everywhere: [KeyHint] = [
        KeyHint("Tab Shift-Tab", "next / previous pane"),
        KeyHint("click, wheel", "focus a pane and select a row; scroll"),
        KeyHint("?", "this help"),
        KeyHint("q", "quit (asks only when an edit is unsaved)"),
    ]

    /// The one rule for leaving things, the same on every screen.
    static let leaving: [KeyHint] = [
        KeyHint("Esc", "back one step: closes help, the history, a"),
        KeyHint("", "dialog (its safe answer), the editor (asks"),
        KeyHint("", "first), the search; never quits"),
        KeyHint("q", "quits when browsing; closes help, the history"),
        KeyHint("", "and dialogs"),
        KeyHint("Ctrl-C", "quits, except in the editor, the search, help,"),
        KeyHint("", "the history and dialogs, where it is Esc"),
    ]

    static let entries: [KeyHint] = [
        KeyHint("↑↓ PgUp PgDn", "move"),
        KeyHint("Home End", "first / last entry"),
        KeyHint("/", "search keys and values (Enter keeps, Esc clears)"),
        KeyHint("a", "add an entry"),
        KeyHint("Enter e", "edit the selected entry"),
        KeyHint("d", "delete the selected entry (asks first)"),
        KeyHint("h", "history: every version; restore one"),
    ]

    static let history: [KeyHint] = [
        KeyHint("h", "open: the entry selected (entries, detail)"),
        KeyHint("↑↓ PgUp PgDn", "choose a version (newest first)"),
        KeyHint("r Enter", "restore it (asks; Keep is the default)"),
        KeyHint("Esc q h", "close"),
    ]

    static let deleted: [KeyHint] = [
        KeyHint("D", "list the deleted entries instead of the live"),
        KeyHint("Enter h", "history of the deleted entry, to restore"),
        KeyHint("/", "filter the deleted keys"),
        KeyHint("D Esc", "back to the live entries"),
    ]

    static let detail: [KeyHint] = [
        KeyHint("↑↓", "choose a version of a conflict"),
        KeyHint("Enter k", "keep the chosen version (resolves it)"),
        KeyHint("e", "edit the chosen version"),
    ]

    static let nodes: [KeyHint] = [
        KeyHint("r", "revoke the selected node (asks first)"),
        KeyHint("Enter", "answer a pending authorisation request"),
    ]

    static let database: [KeyHint] = [
        KeyHint("P", "change passphrase: a new database takes over"),
        KeyHint("", "from this one (asks; other devices follow)"),
        KeyHint("F", "follow this database to its new passphrase"),
        KeyHint("", "(once it moved; Esc on the prompt: later)"),
    ]

    static let revoked: [KeyHint] = [
        KeyHint("X", "remove this database from this device (asks)"),
    ]

    static let editor: [KeyHint] = [
        KeyHint("Ctrl-S F2", "save"),
        KeyHint("Tab", "key / value (when adding)"),
        KeyHint("Esc Ctrl-C", "close (asks when there are changes)"),
        KeyHint("Ctrl-A Ctrl-E", "line start / end"),
        KeyHint("Ctrl-W Ctrl-U", "delete word / to line start"),
        KeyHint("Ctrl-K", "delete to line end"),
        KeyHint("paste", "inserted as text (bracketed paste)"),
    ]

    static let alerts: [KeyHint] = [
        KeyHint("a / d", "authorise / deny (in the Authorise alert)"),
        KeyHint("Esc q", "later: the request stays pending (Nodes)"),
        KeyHint("y / n", "confirm / cancel other dialogs"),
        KeyHint("Esc q", "cancel other dialogs (the safe answer)"),
        KeyHint("Enter Tab", "take / switch the highlighted button"),
    ]

    static func helpOverlay(state: ScrollState = ScrollState()) -> HelpOverlay {
        HelpOverlay(title: "Keys", sections: [
            HelpSection("Everywhere", everywhere),
            HelpSection("Esc, q and Ctrl-C", leaving),
            HelpSection("Entries", entries),
            HelpSection("Detail", detail),
            HelpSection("Nodes", nodes),
            HelpSection("Once this device is revoked", revoked),
            HelpSection("Passphrase", database),
            HelpSection("History", history),
            HelpSection("Deleted entries", deleted),
            HelpSection("Editor", editor),
            HelpSection("Alerts", alerts),
        ], state: state)
    }

    /// The hint bar for what has the keyboard now.
    static func hints(for state: MainState) -> [KeyHint] {
        if let modal = state.modal {
            if case .authorise = modal.purpose {
                return [KeyHint("a", "authorise"), KeyHint("d", "deny"), KeyHint("Esc", "later"), KeyHint("Tab", "switch button")]
            }
            return [KeyHint("Enter", "choose"), KeyHint("Esc", "cancel"), KeyHint("Tab", "switch button")]
        }
        if state.help != nil { return [KeyHint("↑↓", "scroll"), KeyHint("Esc", "close")] }
        if let flow = state.changePassphrase { return ChangePassphrase.hints(flow) }
        if let prompt = state.followPrompt { return FollowPrompt.hints(prompt) }
        if state.history != nil {
            return [KeyHint("↑↓", "version"), KeyHint("r", "restore"), KeyHint("Esc", "close"), KeyHint("?", "help")]
        }
        if state.editor != nil {
            return [KeyHint("Ctrl-S", "save"), KeyHint("Esc", "close"), KeyHint("Tab", "key/value"), KeyHint("Enter", "new line")]
        }
        if state.filter != nil { return [KeyHint("type", "key or value text"), KeyHint("Enter", "keep"), KeyHint("Esc", "clear")] }
        var common = [KeyHint("Tab", "pane"), KeyHint("?", "help"), KeyHint("q", "quit")]
        // Once the database moved, following it is the thing to do, wherever the focus is.
        if state.succession != nil && state.revocation == nil {
            common = [KeyHint("F", "follow")] + common
        }
        // A revoked device only reads: the one thing left to do is let its data go.
        if state.revocation != nil { return [KeyHint("X", "remove local data"), KeyHint("/", "filter")] + common }
        switch state.focus {
        case .entries where state.deleted != nil:
            return [KeyHint("Enter", "history"), KeyHint("/", "filter"), KeyHint("D", "live entries")] + common
        case .entries:
            return [KeyHint("/", "search"), KeyHint("a", "add"), KeyHint("e", "edit"), KeyHint("d", "delete"),
                    KeyHint("h", "history")] + common
        case .detail:
            if state.detail.entry?.isConflict == true {
                return [KeyHint("↑↓", "version"), KeyHint("Enter", "keep"), KeyHint("e", "edit"), KeyHint("h", "history")] + common
            }
            return [KeyHint("e", "edit"), KeyHint("h", "history"), KeyHint("a", "add")] + common
        case .peers:
            return [KeyHint("↑↓", "move"), KeyHint("P", "change passphrase")] + common
        case .nodes:
            return [KeyHint("↑↓", "move"), KeyHint("r", "revoke"), KeyHint("Enter", "answer request"),
                    KeyHint("P", "passphrase")] + common
        }
    }
}
