import Widgets

/// Every key binding of the main screen, in one table: the help overlay shows all of it, the
/// hint bar the part that fits the current context, and README.md ("Keys in the app") repeats it.
enum KeyBindings {
    static let everywhere: [KeyHint] = [
        KeyHint("Tab Shift-Tab", "next / previous pane"),
        KeyHint("?", "this help"),
        KeyHint("q", "quit (asks only when an edit is unsaved)"),
    ]

    static let entries: [KeyHint] = [
        KeyHint("↑↓ PgUp PgDn", "move"),
        KeyHint("Home End", "first / last entry"),
        KeyHint("/", "filter by key prefix (Enter keeps it, Esc clears it)"),
        KeyHint("a", "add an entry"),
        KeyHint("Enter e", "edit the selected entry"),
        KeyHint("d", "delete the selected entry (asks first)"),
    ]

    static let detail: [KeyHint] = [
        KeyHint("↑↓", "choose a version of a conflict"),
        KeyHint("Enter k", "keep the chosen version (resolves the conflict)"),
        KeyHint("e", "edit the chosen version"),
    ]

    static let nodes: [KeyHint] = [
        KeyHint("r", "revoke the selected node (asks first)"),
        KeyHint("Enter", "answer a pending authorisation request"),
    ]

    static let revoked: [KeyHint] = [
        KeyHint("X", "remove this database's data from this device (asks; Keep is the default)"),
    ]

    static let editor: [KeyHint] = [
        KeyHint("Ctrl-S F2", "save"),
        KeyHint("Tab", "key / value (when adding)"),
        KeyHint("Esc", "close (asks when there are changes)"),
        KeyHint("Ctrl-A Ctrl-E", "line start / end"),
        KeyHint("Ctrl-W Ctrl-U Ctrl-K", "delete word / to start / to end"),
    ]

    static let alerts: [KeyHint] = [
        KeyHint("a", "authorise (in the Authorise alert)"),
        KeyHint("d Esc", "deny (the default)"),
        KeyHint("y n", "confirm / cancel other alerts (Enter takes the highlighted button)"),
    ]

    static func helpOverlay(state: ScrollState = ScrollState()) -> HelpOverlay {
        HelpOverlay(title: "Keys", sections: [
            HelpSection("Everywhere", everywhere),
            HelpSection("Entries", entries),
            HelpSection("Detail", detail),
            HelpSection("Nodes", nodes),
            HelpSection("Once this device is revoked", revoked),
            HelpSection("Editor", editor),
            HelpSection("Alerts", alerts),
        ], state: state)
    }

    /// The hint bar for what has the keyboard now.
    static func hints(for state: MainState) -> [KeyHint] {
        if state.modal != nil { return [KeyHint("Enter", "choose"), KeyHint("Esc", "cancel"), KeyHint("Tab", "switch button")] }
        if state.help != nil { return [KeyHint("↑↓", "scroll"), KeyHint("Esc", "close")] }
        if state.editor != nil {
            return [KeyHint("Ctrl-S", "save"), KeyHint("Esc", "close"), KeyHint("Tab", "key/value"), KeyHint("Enter", "new line")]
        }
        if state.filter != nil { return [KeyHint("type", "key prefix"), KeyHint("Enter", "keep"), KeyHint("Esc", "clear")] }
        let common = [KeyHint("Tab", "pane"), KeyHint("?", "help"), KeyHint("q", "quit")]
        // A revoked device only reads: the one thing left to do is let its data go.
        if state.revocation != nil { return [KeyHint("X", "remove local data"), KeyHint("/", "filter")] + common }
        switch state.focus {
        case .entries:
            return [KeyHint("/", "filter"), KeyHint("a", "add"), KeyHint("e", "edit"), KeyHint("d", "delete")] + common
        case .detail:
            if state.detail.entry?.isConflict == true {
                return [KeyHint("↑↓", "version"), KeyHint("Enter", "keep"), KeyHint("e", "edit")] + common
            }
            return [KeyHint("e", "edit"), KeyHint("a", "add")] + common
        case .peers:
            return [KeyHint("↑↓", "move")] + common
        case .nodes:
            return [KeyHint("↑↓", "move"), KeyHint("r", "revoke"), KeyHint("Enter", "answer request")] + common
        }
    }
}
