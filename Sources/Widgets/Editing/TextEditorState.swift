/// The lines, cursor and scroll of a multi-line ``TextEditor``, owned by the app's model.
///
/// Lines are not wrapped: the view scrolls sideways to keep the cursor visible. The cursor is a
/// (row, character index) pair; moving up and down keeps the display column it had, snapping to
/// the start of a wide character it would land inside.
public struct TextEditorState: Sendable, Hashable {
    private var lines: [[Character]]
    /// The cursor's line, `0..<lineCount`.
    public private(set) var cursorRow: Int = 0
    /// The cursor's character index within its line, `0...length`.
    public private(set) var cursorIndex: Int = 0
    /// The display column that up/down moves aim for, kept across vertical moves.
    private var goalColumn: Int?
    /// The first visible line.
    public private(set) var scrollRow: Int = 0
    /// The first visible display column.
    public private(set) var scrollColumn: Int = 0
    /// Visible size in cells; set it from the layout (rendering re-checks with the real size).
    public var viewport: Size {
        didSet { rescroll() }
    }

    public init(text: String = "", viewport: Size = Size(width: 40, height: 10)) {
        self.lines = [[]]
        self.viewport = viewport
        insert(text)
        cursorRow = 0
        cursorIndex = 0
        rescroll()
    }

    /// The whole text, lines joined with "\n". Setting it replaces everything and puts the
    /// cursor at the start.
    public var text: String {
        get { lines.map { String($0) }.joined(separator: "\n") }
        set { self = TextEditorState(text: newValue, viewport: viewport) }
    }

    public var lineCount: Int { lines.count }

    /// Line `i` (empty when out of range).
    public func line(_ i: Int) -> String {
        lines.indices.contains(i) ? String(lines[i]) : ""
    }

    /// The cursor's display column within its line.
    public var cursorColumn: Int { current.column(of: cursorIndex) }

    // MARK: Editing

    /// Inserts text at the cursor; "\n" (and "\r\n") start new lines, tabs become spaces and
    /// other control characters are dropped.
    public mutating func insert(_ text: String) {
        for ch in text {
            if ch == "\n" || ch == "\r\n" {
                newline()
            } else {
                _ = insert(ch == "\t" ? " " : ch)
            }
        }
    }

    /// Inserts one character; false when it is refused (controls, bidirectional overrides).
    @discardableResult
    public mutating func insert(_ ch: Character) -> Bool {
        editLine { $0.insert(ch) }
    }

    /// Splits the line at the cursor.
    public mutating func newline() {
        let tail = Array(lines[cursorRow][cursorIndex...])
        lines[cursorRow].removeSubrange(cursorIndex...)
        lines.insert(tail, at: cursorRow + 1)
        place(row: cursorRow + 1, index: 0)
    }

    /// Deletes the character before the cursor, joining with the previous line at a line start.
    @discardableResult
    public mutating func backspace() -> Bool {
        if cursorIndex > 0 { return editLine { $0.backspace() } }
        guard cursorRow > 0 else { return false }
        let joinAt = lines[cursorRow - 1].count
        lines[cursorRow - 1].append(contentsOf: lines.remove(at: cursorRow))
        place(row: cursorRow - 1, index: joinAt)
        return true
    }

    /// Deletes the character under the cursor, joining the next line at a line end.
    @discardableResult
    public mutating func deleteForward() -> Bool {
        if cursorIndex < lines[cursorRow].count { return editLine { $0.deleteForward() } }
        guard cursorRow + 1 < lines.count else { return false }
        lines[cursorRow].append(contentsOf: lines.remove(at: cursorRow + 1))
        rescroll()
        return true
    }

    /// Left, wrapping to the end of the previous line.
    @discardableResult
    public mutating func moveLeft() -> Bool {
        if cursorIndex > 0 { return editLine { $0.moveLeft() } }
        guard cursorRow > 0 else { return false }
        place(row: cursorRow - 1, index: lines[cursorRow - 1].count)
        return true
    }

    /// Right, wrapping to the start of the next line.
    @discardableResult
    public mutating func moveRight() -> Bool {
        if cursorIndex < lines[cursorRow].count { return editLine { $0.moveRight() } }
        guard cursorRow + 1 < lines.count else { return false }
        place(row: cursorRow + 1, index: 0)
        return true
    }

    @discardableResult public mutating func moveUp() -> Bool { moveVertically(by: -1) }
    @discardableResult public mutating func moveDown() -> Bool { moveVertically(by: 1) }
    public mutating func pageUp() { moveVertically(by: -max(1, viewport.height)) }
    public mutating func pageDown() { moveVertically(by: max(1, viewport.height)) }
    public mutating func moveLineStart() { editLine { $0.moveHome() } }
    public mutating func moveLineEnd() { editLine { $0.moveEnd() } }
    public mutating func moveWordLeft() { editLine { $0.moveWordLeft() } }
    public mutating func moveWordRight() { editLine { $0.moveWordRight() } }
    public mutating func deleteWordBackward() { editLine { $0.deleteWordBackward() } }
    public mutating func deleteWordForward() { editLine { $0.deleteWordForward() } }
    public mutating func deleteToLineStart() { editLine { $0.deleteToStart() } }

    /// Deletes to the end of the line; at the end of a line, joins the next one (Ctrl-K).
    public mutating func deleteToLineEnd() {
        if cursorIndex == lines[cursorRow].count {
            deleteForward()
        } else {
            editLine { $0.deleteToEnd() }
        }
    }

    /// Typing, Enter (new line), arrows, Page Up/Down, Home/End, Backspace/Delete and the same
    /// Ctrl/Alt editing keys as ``TextFieldState/handle(_:)``. Returns false for keys it does not
    /// use (Esc, Tab, function keys…), so the app can use them to save or leave.
    public mutating func handle(_ key: Key) -> Bool {
        switch key {
        case .enter: newline()
        case .up, .ctrl("p"): moveUp()
        case .down, .ctrl("n"): moveDown()
        case .pageUp: pageUp()
        case .pageDown: pageDown()
        default:
            guard let command = EditCommand(key) else { return false }
            switch command {
            case .insert(let ch): return insert(ch)
            // These cross line boundaries at the start or end of a line.
            case .backspace: backspace()
            case .deleteForward: deleteForward()
            case .left: moveLeft()
            case .right: moveRight()
            case .deleteToEnd: deleteToLineEnd()
            default: editLine { _ = $0.perform(command) }
            }
        }
        return true
    }

    // MARK: Internals

    private var current: LineEditor { LineEditor(lines[cursorRow], cursor: cursorIndex) }

    /// Runs a one-line edit on the cursor's line and writes the result back.
    @discardableResult
    private mutating func editLine<R>(_ change: (inout LineEditor) -> R) -> R {
        var editor = LineEditor(lines[cursorRow], cursor: cursorIndex)
        lines[cursorRow] = []  // keep the array uniquely referenced by `editor` while it changes
        let result = change(&editor)
        lines[cursorRow] = editor.chars
        cursorIndex = editor.cursor
        goalColumn = nil
        rescroll()
        return result
    }

    private mutating func place(row: Int, index: Int) {
        cursorRow = row
        cursorIndex = index
        goalColumn = nil
        rescroll()
    }

    @discardableResult
    private mutating func moveVertically(by delta: Int) -> Bool {
        let target = min(max(0, cursorRow + delta), lines.count - 1)
        guard target != cursorRow else { return false }
        let goal = goalColumn ?? cursorColumn
        cursorRow = target
        cursorIndex = LineEditor(lines[target]).index(atColumn: goal)
        goalColumn = goal
        rescroll()
        return true
    }

    /// Scroll offsets that show the cursor in a `size` viewport: the stored ones, moved just enough.
    func scroll(for size: Size) -> (row: Int, column: Int) {
        let line = current
        let row = Scrolling.keepVisible(offset: scrollRow, start: cursorRow, viewport: size.height, total: lines.count)
        let column = Scrolling.keepVisible(
            offset: scrollColumn, start: line.column(of: cursorIndex), length: line.cursorWidth,
            viewport: size.width, total: line.width + 1)
        return (row, column)
    }

    func characters(ofLine i: Int) -> [Character] { lines[i] }
    var cursorWidth: Int { current.cursorWidth }

    private mutating func rescroll() {
        (scrollRow, scrollColumn) = scroll(for: viewport)
    }
}
