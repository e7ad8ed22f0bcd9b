import Widgets

/// No node in the data directory yet: create a database, join one, or quit.
struct WelcomeState: Equatable {
    var menu = ListState(selected: 0, viewportHeight: 3)
}

enum WelcomeScreen {
    static let choices: [(label: String, key: Character, detail: String)] = [
        ("New database", "n", "This device becomes the first node of a new database."),
        ("Join existing", "j", "Use your passphrase to join a database you already have."),
        ("Quit", "q", ""),
    ]

    static func handle(_ key: Key, _ state: inout WelcomeState, _ model: inout AppModel) -> Outcome {
        if state.menu.handle(key, rowCount: choices.count) { return Outcome() }
        var choice: Int?
        switch key {
        case .enter: choice = state.menu.selected
        case let .char(ch): choice = choices.firstIndex { $0.key == Character(ch.lowercased()) }
        case .ctrl("c"): choice = 2
        default: break
        }
        switch choice {
        case 0: return Outcome(screen: .create(CreateState(nodeName: model.hostName)))
        case 1: return Outcome(screen: .join(JoinState(nodeName: model.hostName, peer: model.joinPeer)))
        case 2: return Outcome(App.quit(&model))
        default: return Outcome()
        }
    }

    static func render(_ state: WelcomeState, into buffer: inout Buffer, theme: Theme) {
        let menuLines = choices.enumerated().map { index, choice -> Line in
            Line([Span(choice.label, role: .text), Span("  (\(choice.key))", role: .dim)])
        }
        var items: [FormItem] = [
            .paragraph("A personal database on all of your devices, synced peer to peer.", .text),
            .paragraph("This data directory has no node yet.", .dim),
            .blank,
            .list(menuLines, state.menu),
            .blank,
        ]
        if let selected = state.menu.selected, !choices[selected].detail.isEmpty {
            items.append(.paragraph(choices[selected].detail, .dim))
        }
        Form.screen(title: "Welcome to Hypha", items: items, width: 68,
                    hints: [KeyHint("↑↓", "choose"), KeyHint("Enter", "select"), KeyHint("n", "new"), KeyHint("j", "join"),
                            KeyHint("q", "quit")],
                    into: &buffer, theme: theme)
    }
}
