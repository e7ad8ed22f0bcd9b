import Testing
import Widgets

/// Every widget rendered at fixed sizes and compared with Snapshots/<name>.txt.
/// Re-record with `RECORD_SNAPSHOTS=1 swift test --filter WidgetSnapshotTests` and read the files.
@Suite struct WidgetSnapshotTests {
    init() { prepareLocale() }

    /// Entries with accented, CJK, combining and over-long text, one conflict.
    static let entries: [(key: String, value: String, writer: String, seq: Int, conflict: Bool)] = [
        ("café", "crème brûlée", "laptop", 12, false),
        ("Zürich", "Straße 5, 8001 Zürich", "desktop", 7, false),
        ("作者", "日本語のテキスト", "サーバー", 130, false),
        ("e\u{301}tude", "combining accent", "laptop", 3, false),
        ("notes/long", "a value far too long to fit in any column of this table at all, even on a wide screen", "desktop", 99, false),
        ("todo", "buy milk | buy oat milk", "laptop", 41, true),
    ]

    static func entryLine(_ i: Int) -> Line {
        let e = entries[i % entries.count]
        return Line([Span(e.key), Span(" = ", role: .dim), Span(e.value, role: e.conflict ? .conflict : .text)])
    }

    // MARK: Pane

    @Test func paneFocused() {
        var buffer = Buffer(width: 40, height: 12)
        let area = buffer.area
        buffer.render(Pane(title: "Entrées — données", focused: true), in: area, theme: .standard)
        let inner = Pane.inner(area)
        for (i, text) in ["Café crème", "Zürich Straße", "作者: 日本語", "e\u{301}tude (combining)"].enumerated() {
            buffer.put(text, x: inner.x, y: inner.y + i, maxWidth: inner.width)
        }
        assertSnapshot(buffer, named: "pane_focused_40x12")
    }

    @Test func paneUnfocusedSmall() {
        let buffer = rendered(Pane(title: "日本語のタイトルです", focused: false, footer: "3 of 120"), width: 20, height: 5)
        assertSnapshot(buffer, named: "pane_unfocused_20x5")
    }

    // MARK: Lists

    @Test func listLarge() {
        var buffer = Buffer(width: 80, height: 24)
        var state = ListState(viewportHeight: 22)
        state.select(4, rowCount: 1000)
        buffer.render(Pane(title: "Entries", focused: true, footer: "5 of 1000"), theme: .standard)
        let list = ListView(rowCount: 1000, state: state, focused: true) { Self.entryLine($0) }
        buffer.render(list, in: Pane.inner(buffer.area), theme: .standard)
        assertSnapshot(buffer, named: "list_80x24")
    }

    @Test func listSmallScrolledUnfocused() {
        var state = ListState(viewportHeight: 5)
        state.select(50, rowCount: 100)
        let list = ListView(rowCount: 100, state: state, focused: false) { i in
            i == 50 ? Line("作者日本語 \(i)") : Line("row \(i) é")
        }
        assertSnapshot(rendered(list, width: 20, height: 5), named: "list_20x5")
    }

    @Test func listEmpty() {
        var buffer = Buffer(width: 40, height: 12)
        buffer.render(Pane(title: "Peers", focused: false), theme: .standard)
        let list = ListView(rowCount: 0, state: ListState(), emptyText: "No peers connected — press c to connect") { _ in "" }
        buffer.render(list, in: Pane.inner(buffer.area), theme: .standard)
        assertSnapshot(buffer, named: "list_empty_40x12")
    }

    // MARK: Table

    static let columns = [
        TableColumn("Key", width: .fill(1)), TableColumn("Value", width: .fill(2)),
        TableColumn("Writer", width: .fixed(8)), TableColumn("Seq", width: .fixed(5), alignment: .right),
    ]

    static func tableRow(_ i: Int) -> TableRow {
        let e = entries[i % entries.count]
        return TableRow([e.key, e.value, e.writer, "\(e.seq)"], role: e.conflict ? .conflict : .text)
    }

    @Test func tableLarge() {
        var buffer = Buffer(width: 80, height: 24)
        buffer.render(Pane(title: "Entries", focused: true), theme: .standard)
        var state = ListState()
        state.select(2, rowCount: Self.entries.count)
        let table = Table(columns: Self.columns, rowCount: Self.entries.count, state: state) { Self.tableRow($0) }
        buffer.render(table, in: Pane.inner(buffer.area), theme: .standard)
        assertSnapshot(buffer, named: "table_80x24")
    }

    @Test func tableNarrow() {
        var state = ListState(viewportHeight: 11)
        state.select(5, rowCount: 40)
        let table = Table(columns: Self.columns, rowCount: 40, state: state, focused: false) { Self.tableRow($0) }
        assertSnapshot(rendered(table, width: 40, height: 12), named: "table_40x12")
    }

    // MARK: Text inputs

    @Test func textFields() {
        var buffer = Buffer(width: 40, height: 6)
        var plain = TextFieldState(text: "Café crème", viewportWidth: 30)
        plain.moveWordLeft()
        var long = TextFieldState(text: "a long value with 日本語 and Zürich at the end", viewportWidth: 20)
        long.moveEnd()
        var onWide = TextFieldState(text: "作者 name", viewportWidth: 20)
        onWide.moveHome()
        let secret = TextFieldState(text: "correct horse battery staple", secret: true)
        let rows = buffer.area.rows(Array(repeating: .fixed(1), count: 6))
        let labels = ["Name", "Domain", "Value", "Phrase", "Writer"]
        for (i, label) in labels.enumerated() { buffer.put(label, x: 0, y: i, style: Theme.standard[.dim]) }
        let fields = [
            TextField(state: plain, focused: false),
            TextField(state: TextFieldState(), focused: false, placeholder: "example.org"),
            TextField(state: long, focused: false),
            TextField(state: secret, focused: false),
            TextField(state: onWide, focused: true),
        ]
        for (i, field) in fields.enumerated() {
            buffer.render(field, in: rows[i].inset(left: 8, right: 12), theme: .standard)
        }
        assertSnapshot(buffer, named: "textfields_40x6")
    }

    @Test func textFieldScrolledAndSecretFocused() {
        var buffer = Buffer(width: 20, height: 5)
        var long = TextFieldState(text: "a long value with 日本語 and Zürich at the end", viewportWidth: 20)
        long.moveEnd()
        for _ in 0..<12 { long.moveLeft() }
        buffer.render(TextField(state: long, focused: true), in: buffer.area.row(0), theme: .standard)
        // An empty and a filled secret field look the same.
        buffer.render(TextField(state: TextFieldState(secret: true), focused: true), in: buffer.area.row(2), theme: .standard)
        buffer.render(
            TextField(state: TextFieldState(text: "hunter2", secret: true), focused: true), in: buffer.area.row(4),
            theme: .standard)
        buffer.cursor = nil  // three focused fields in one test buffer: the last cursor is meaningless
        assertSnapshot(buffer, named: "textfield_20x5")
    }

    @Test func textEditor() {
        var buffer = Buffer(width: 40, height: 12)
        buffer.render(Pane(title: "Edit: notes/journal", focused: true), theme: .standard)
        var state = TextEditorState(
            text: "Journal — 2024\n\nCafé crème at Zürich.\n作者: 日本語のテキスト\ne\u{301}tude with a combining mark\nA line that is much longer than the editor is wide, to scroll.",
            viewport: Size(width: 38, height: 10))
        state.moveDown()
        state.moveDown()
        state.moveDown()
        state.moveRight()
        state.moveRight()
        buffer.render(TextEditor(state: state), in: Pane.inner(buffer.area), theme: .standard)
        assertSnapshot(buffer, named: "texteditor_40x12")
    }

    @Test func textEditorScrolledBothWays() {
        var state = TextEditorState(
            text: (0..<12).map { "\($0): " + String(repeating: "ab", count: $0 % 4) + "日本語 and more text" }
                .joined(separator: "\n"),
            viewport: Size(width: 20, height: 5), softWrap: false)
        for _ in 0..<9 { state.moveDown() }
        state.moveLineEnd()
        assertSnapshot(rendered(TextEditor(state: state), width: 20, height: 5), named: "texteditor_20x5")
    }

    // MARK: Dialogs and overlays

    static func background(width: Int, height: Int) -> Buffer {
        var buffer = Buffer(width: width, height: height)
        for y in 0..<height {
            buffer.put(String(repeating: "background \(y) ", count: 8), x: 0, y: y, style: Theme.standard[.dim])
        }
        return buffer
    }

    static let authorise = AlertDialog(
        title: "Authorise node?",
        message: ["Node \"laptop\" asks to write to this database.", "Code: 482-193 — check it matches the other screen."],
        buttons: [AlertButton("Deny", key: "n"), AlertButton("Authorise", key: "y")], safeButton: 0,
        footer: "1 more pending")

    @Test func alertLarge() {
        var buffer = Self.background(width: 80, height: 24)
        buffer.render(Self.authorise, theme: .standard)
        assertSnapshot(buffer, named: "alert_80x24")
    }

    @Test func alertNarrowWithFocusMoved() {
        var dialog = AlertDialog(
            title: "Authorise node 作者のノート?",
            message: ["Node \"作者のノート\" (code 482-193) asks to write.", "Zürich café server."],
            buttons: [AlertButton("Deny", key: "n"), AlertButton("Authorise", key: "y")], footer: "2 more pending")
        _ = dialog.handle(.tab)
        var buffer = Self.background(width: 40, height: 12)
        buffer.render(dialog, theme: .standard)
        assertSnapshot(buffer, named: "alert_40x12")
    }

    static let help = HelpOverlay(sections: [
        HelpSection("Everywhere", [
            KeyHint("?", "show this help"), KeyHint("q", "quit"), KeyHint("Tab", "next pane"),
            KeyHint("Shift-Tab", "previous pane"),
        ]),
        HelpSection("Entries", [
            KeyHint("↑ ↓", "move"), KeyHint("PgUp PgDn", "page"), KeyHint("a", "add an entry"),
            KeyHint("e", "edit the entry"), KeyHint("d", "delete the entry"), KeyHint("/", "filter by key"),
            KeyHint("r", "resolve a conflict (choose one value)"),
        ]),
        HelpSection("Peers — 作者", [
            KeyHint("c", "connect to a peer address"), KeyHint("x", "revoke the selected node"),
        ]),
    ])

    @Test func helpLarge() {
        var buffer = Self.background(width: 80, height: 24)
        buffer.render(Self.help, theme: .standard)
        assertSnapshot(buffer, named: "help_80x24")
    }

    @Test func helpSmallScrolled() {
        var overlay = Self.help
        var state = ScrollState(viewportHeight: 10)
        state.scroll(by: 5, contentHeight: overlay.lineCount)
        overlay.state = state
        var buffer = Self.background(width: 40, height: 12)
        buffer.render(overlay, theme: .standard)
        assertSnapshot(buffer, named: "help_40x12")
    }

    // MARK: Bars

    static let hints = KeyHints([
        KeyHint("q", "quit"), KeyHint("/", "filter"), KeyHint("a", "add"), KeyHint("e", "edit"),
        KeyHint("d", "delete"), KeyHint("Tab", "next pane"), KeyHint("?", "help"),
    ])

    @Test func keyHintsAtThreeWidths() {
        var buffer = Buffer(width: 80, height: 4)
        buffer.render(Self.hints, in: Rect(x: 0, y: 0, width: 80, height: 1), theme: .standard)
        buffer.render(Self.hints, in: Rect(x: 0, y: 1, width: 30, height: 1), theme: .standard)
        buffer.render(Self.hints, in: Rect(x: 0, y: 2, width: 12, height: 1), theme: .standard)
        buffer.render(KeyHints([KeyHint("Enter", "authorise this node now")]), in: Rect(x: 0, y: 3, width: 14, height: 1), theme: .standard)
        assertSnapshot(buffer, named: "keyhints_80x4")
    }

    @Test func statusBars() {
        var buffer = Buffer(width: 80, height: 3)
        buffer.render(
            StatusBar(left: ["hypha · example.org · ", Span("synced", role: .success)], right: "3 peers · 作者"),
            in: buffer.area.row(0), theme: .standard)
        buffer.render(
            StatusBar(left: "Connection to 10.0.0.2:4000 lost, retrying", right: "2 peers", role: .statusWarning),
            in: buffer.area.row(1), theme: .standard)
        buffer.render(
            StatusBar(left: "Zürich café database with a long name", right: "日本語"),
            in: Rect(x: 0, y: 2, width: 20, height: 1), theme: .standard)
        assertSnapshot(buffer, named: "statusbar_80x3")
    }

    @Test func spinnersAndProgress() {
        var buffer = Buffer(width: 40, height: 7)
        let rows = buffer.area.rows(Array(repeating: .fixed(1), count: 7))
        buffer.render(Spinner(frame: 0, label: "Deriving keys…"), in: rows[0], theme: .standard)
        buffer.render(Spinner(frame: 13, label: "Connecting to 作者のサーバー at 10.0.0.2", frames: Spinner.ascii), in: rows[1], theme: .standard)
        buffer.render(ProgressBar(.fraction(0)), in: rows[2], theme: .standard)
        buffer.render(ProgressBar(.fraction(0.42)), in: rows[3], theme: .standard)
        buffer.render(ProgressBar(.fraction(1)), in: rows[4], theme: .standard)
        buffer.render(ProgressBar(.indeterminate(frame: 7)), in: rows[5], theme: .standard)
        buffer.render(ProgressBar(.fraction(.nan), showsPercentage: false), in: rows[6].inset(right: 30), theme: .standard)
        assertSnapshot(buffer, named: "progress_40x7")
    }

    // MARK: A whole screen, in colour and in monochrome

    static func mainScreen(theme: Theme) -> Buffer {
        var buffer = Buffer(width: 80, height: 24)
        let rows = buffer.area.rows([.fixed(1), .fill(), .fixed(1)])
        buffer.render(
            StatusBar(left: ["hypha · example.org · ", Span("synced", role: .success)], right: "2 peers"),
            in: rows[0], theme: theme)
        let panes = rows[1].columns([.fill(3), .fill(2)])
        var entries = ListState()
        entries.select(5, rowCount: Self.entries.count)
        buffer.render(Pane(title: "Entries", focused: true), in: panes[0], theme: theme)
        buffer.render(
            Table(
                columns: [TableColumn("Key", width: .fixed(10)), TableColumn("Value")],
                rowCount: Self.entries.count, state: entries
            ) { i in
                let e = Self.entries[i]
                return TableRow([e.key, e.value], role: e.conflict ? .conflict : .text)
            },
            in: Pane.inner(panes[0]), theme: theme)
        var peers = ListState()
        peers.select(0, rowCount: 2)
        buffer.render(Pane(title: "Peers", focused: false), in: panes[1], theme: theme)
        buffer.render(
            ListView(rowCount: 2, state: peers, focused: false) { i in
                [Line([Span("laptop "), Span("10.0.0.2 tcp", role: .dim)]), Line([Span("作者のサーバー "), Span("ws", role: .dim)])][i]
            },
            in: Pane.inner(panes[1]), theme: theme)
        buffer.render(Self.hints, in: rows[2], theme: theme)
        return buffer
    }

    @Test func mainScreenStandard() {
        assertSnapshot(Self.mainScreen(theme: .standard), named: "screen_80x24")
    }

    @Test func mainScreenMonochrome() {
        assertSnapshot(Self.mainScreen(theme: .monochrome), named: "screen_80x24_monochrome")
    }
}
