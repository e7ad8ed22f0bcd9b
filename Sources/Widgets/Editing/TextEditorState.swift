/// The lines, cursor and scroll of a multi-line ``TextEditor``, owned by the app's model.
///
/// With `softWrap` (the default) long lines wrap at the viewport's width, by cells (a wide
/// character that does not fit starts the next row); without it the view scrolls sideways to
/// keep the cursor visible. The cursor is a (line, character index) pair; moving up and down
/// goes by visual rows and keeps the display column it had, snapping to the start of a wide
/// character it would land inside.
///
/// Work stays proportional to what changes and what is visible: every character's width is
/// measured once, when it is inserted, and kept beside it (`EditLine.widths`), so wrapping,
/// columns and scrolling add up cached bytes instead of measuring the line again on every key
/// (which made opening a 5,000-character line take 15 s).
public struct TextEditorState: Sendable, Hashable {
    private var lines: [EditLine]
    /// The cursor's line, `0..<lineCount`.
    public private(set) var cursorRow: Int = 0
    /// The cursor's character index within its line, `0...length`.
    public private(set) var cursorIndex: Int = 0
    /// The display column that up/down moves aim for, kept across vertical moves.
    private var goalColumn: Int?
    /// The first visible line.
    public private(set) var scrollRow: Int = 0
    /// With soft wrap: the first visible row within `scrollRow`'s line.
    public private(set) var scrollSubrow: Int = 0
    /// Without soft wrap: the first visible display column.
    public private(set) var scrollColumn: Int = 0
    /// Counts the changes to the text (not cursor moves): 0 means untouched since it was opened,
    /// so the app can tell "modified" without comparing the whole text every frame.
    public private(set) var revision = 0
    /// Whether long lines wrap at the viewport's width.
    public var softWrap: Bool {
        didSet { rescroll() }
    }
    /// Visible size in cells; set it from the layout (rendering re-checks with the real size).
    public var viewport: Size {
        didSet { rescroll() }
    }

    public init(text: String = "", viewport: Size = Size(width: 40, height: 10), softWrap: Bool = true) {
        self.lines = [EditLine()]
        self.viewport = viewport
        self.softWrap = softWrap
        insert(text)
        cursorRow = 0
        cursorIndex = 0
        scrollRow = 0
        scrollSubrow = 0
        scrollColumn = 0
        revision = 0
        rescroll()
    }

    /// The whole text, lines joined with "\n". Setting it replaces everything and puts the
    /// cursor at the start.
    public var text: String {
        get {
            var result = ""
            result.reserveCapacity(lines.reduce(0) { $0 + $1.chars.count + 1 })
            for (i, line) in lines.enumerated() {
                if i > 0 { result.append("\n") }
                result.append(contentsOf: line.chars)
            }
            return result
        }
        set { self = TextEditorState(text: newValue, viewport: viewport, softWrap: softWrap) }
    }

    public var lineCount: Int { lines.count }

    /// Line `i` (empty when out of range).
    public func line(_ i: Int) -> String {
        lines.indices.contains(i) ? String(lines[i].chars) : ""
    }

    /// The cursor's display column within its line.
    public var cursorColumn: Int { lines[cursorRow].column(of: cursorIndex) }

    // MARK: Editing

    /// Inserts text at the cursor; "\n" (and "\r\n", "\r") start new lines, tabs become spaces
    /// and other control characters are dropped. Linear in the text's length: a pasted 500 KB
    /// value goes in as one insertion.
    public mutating func insert(_ text: String) {
        var pending: [Character] = []
        var widths: [UInt8] = []
        func flush(_ state: inout TextEditorState) {
            guard !pending.isEmpty else { return }
            state.lines[state.cursorRow].insert(contentsOf: pending, widths: widths, at: state.cursorIndex)
            state.cursorIndex += pending.count
            pending.removeAll(keepingCapacity: true)
            widths.removeAll(keepingCapacity: true)
        }
        for ch in text {
            if ch == "\n" || ch == "\r\n" || ch == "\r" {
                flush(&self)
                splitLine()
                continue
            }
            let typed: Character = ch == "\t" ? " " : ch
            guard LineEditor.isInsertable(typed) else { continue }
            let width = Glyph.width(typed)
            if width == 0 {
                // A combining mark joins the character before it.
                flush(&self)
                _ = editLine { $0.insert(typed) }
                continue
            }
            pending.append(typed)
            widths.append(UInt8(width))
        }
        flush(&self)
        goalColumn = nil
        revision += 1
        rescroll()
    }

    /// Inserts one character; false when it is refused (controls, bidirectional overrides).
    @discardableResult
    public mutating func insert(_ ch: Character) -> Bool {
        editLine { $0.insert(ch) }
    }

    /// Splits the line at the cursor.
    public mutating func newline() {
        splitLine()
        revision += 1
        goalColumn = nil
        rescroll()
    }

    private mutating func splitLine() {
        let tail = lines[cursorRow].split(at: cursorIndex)
        lines.insert(tail, at: cursorRow + 1)
        cursorRow += 1
        cursorIndex = 0
    }

    /// Deletes the character before the cursor, joining with the previous line at a line start.
    @discardableResult
    public mutating func backspace() -> Bool {
        if cursorIndex > 0 { return editLine { $0.backspace() } }
        guard cursorRow > 0 else { return false }
        let joinAt = lines[cursorRow - 1].count
        let removed = lines.remove(at: cursorRow)
        lines[cursorRow - 1].append(removed)
        revision += 1
        place(row: cursorRow - 1, index: joinAt)
        return true
    }

    /// Deletes the character under the cursor, joining the next line at a line end.
    @discardableResult
    public mutating func deleteForward() -> Bool {
        if cursorIndex < lines[cursorRow].count { return editLine { $0.deleteForward() } }
        guard cursorRow + 1 < lines.count else { return false }
        let removed = lines.remove(at: cursorRow + 1)
        lines[cursorRow].append(removed)
        revision += 1
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

    /// Typing, pasting, Enter (new line), arrows, Page Up/Down, Home/End, Backspace/Delete and
    /// the same Ctrl/Alt editing keys as ``TextFieldState/handle(_:)``. Returns false for keys
    /// it does not use (Esc, Tab, function keys…), so the app can use them to save or leave.
    public mutating func handle(_ key: Key) -> Bool {
        switch key {
        case .enter: newline()
        case .up, .ctrl("p"): moveUp()
        case .down, .ctrl("n"): moveDown()
        case .pageUp: pageUp()
        case .pageDown: pageDown()
        case let .paste(text): insert(text)
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

    /// Runs a one-line edit on the cursor's line and writes the result back, measuring only
    /// what it inserted.
    @discardableResult
    private mutating func editLine<R>(_ change: (inout LineEditor) -> R) -> R {
        let oldCursor = cursorIndex
        let previous = cursorIndex > 0 ? lines[cursorRow].chars[cursorIndex - 1] : nil
        var editor = LineEditor(lines[cursorRow].takeCharacters(), cursor: cursorIndex)
        let before = editor.chars.count
        let result = change(&editor)
        let joined = editor.chars.count == before && editor.cursor == oldCursor && oldCursor > 0
            && editor.chars[oldCursor - 1] != previous
        let changed = lines[cursorRow].restore(editor.chars, oldCount: before, newCursor: editor.cursor, joined: joined)
        if changed { revision += 1 }
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

    /// Moves by `delta` visual rows (lines without soft wrap), aiming at the goal column.
    @discardableResult
    private mutating func moveVertically(by delta: Int) -> Bool {
        let width = wrapWidth
        let starts = lines[cursorRow].rowStarts(width: width)
        let sub = EditLine.row(of: cursorIndex, in: starts)
        let goal = goalColumn ?? (lines[cursorRow].column(of: cursorIndex) - lines[cursorRow].column(of: starts[sub]))
        var row = cursorRow
        var subrow = sub
        var rowStarts = starts
        var remaining = delta
        while remaining > 0 {
            if subrow + 1 < rowStarts.count {
                subrow += 1
            } else if row + 1 < lines.count {
                row += 1
                rowStarts = lines[row].rowStarts(width: width)
                subrow = 0
            } else {
                break
            }
            remaining -= 1
        }
        while remaining < 0 {
            if subrow > 0 {
                subrow -= 1
            } else if row > 0 {
                row -= 1
                rowStarts = lines[row].rowStarts(width: width)
                subrow = rowStarts.count - 1
            } else {
                break
            }
            remaining += 1
        }
        guard row != cursorRow || subrow != sub else { return false }
        let start = rowStarts[subrow]
        let end = subrow + 1 < rowStarts.count ? rowStarts[subrow + 1] : lines[row].count
        var index = lines[row].index(atColumn: goal, from: start)
        // On a wrapped row the index after its last character is the next row's start.
        if subrow + 1 < rowStarts.count, index >= end { index = max(start, end - 1) }
        cursorRow = row
        cursorIndex = min(index, lines[row].count)
        goalColumn = goal
        rescroll()
        return true
    }

    /// The width lines wrap at (a huge one without soft wrap: one row per line).
    var wrapWidth: Int { softWrap ? max(1, viewport.width) : Int.max }

    /// Scroll offsets that show the cursor in a `size` viewport: the stored ones, moved just
    /// enough. With soft wrap, `column` is 0 and `subrow` the first visible row of line `row`.
    func scroll(for size: Size) -> (row: Int, subrow: Int, column: Int) {
        let height = max(1, size.height)
        guard softWrap else {
            let line = lines[cursorRow]
            let row = Scrolling.keepVisible(offset: scrollRow, start: cursorRow, viewport: height, total: lines.count)
            let column = Scrolling.keepVisible(
                offset: scrollColumn, start: line.column(of: cursorIndex), length: line.cursorWidth(at: cursorIndex),
                viewport: size.width, total: line.totalWidth + 1)
            return (row, 0, column)
        }
        let width = max(1, size.width)
        let cursorSub = EditLine.row(of: cursorIndex, in: lines[cursorRow].rowStarts(width: width))
        var top = (row: min(scrollRow, lines.count - 1), sub: scrollSubrow)
        top.sub = min(top.sub, lines[top.row].rowStarts(width: width).count - 1)
        // Cursor above the top: it becomes the first row.
        if (cursorRow, cursorSub) < (top.row, top.sub) { return (cursorRow, cursorSub, 0) }
        // Count rows from the top to the cursor, stopping once they no longer fit.
        var rows = 0
        var row = top.row
        var sub = top.sub
        while (row, sub) < (cursorRow, cursorSub) && rows < height {
            let count = lines[row].rowStarts(width: width).count
            if row == cursorRow {
                rows += cursorSub - sub
                sub = cursorSub
            } else {
                rows += count - sub
                row += 1
                sub = 0
            }
        }
        if rows < height { return (top.row, top.sub, 0) }
        // The cursor goes on the last row: walk back height - 1 rows from it.
        row = cursorRow
        sub = cursorSub
        var back = height - 1
        while back > 0 {
            if sub >= back {
                sub -= back
                back = 0
            } else if row > 0 {
                back -= sub + 1
                row -= 1
                sub = lines[row].rowStarts(width: width).count - 1
            } else {
                sub = 0
                back = 0
            }
        }
        return (row, sub, 0)
    }

    func characters(ofLine i: Int) -> ArraySlice<Character> { lines[i].chars[...] }
    func editLine(_ i: Int) -> EditLine { lines[i] }
    var cursorWidth: Int { lines[cursorRow].cursorWidth(at: cursorIndex) }

    private mutating func rescroll() {
        (scrollRow, scrollSubrow, scrollColumn) = scroll(for: viewport)
    }
}

/// One line of the editor: its characters and, beside them, the width of each (measured once).
struct EditLine: Sendable, Hashable {
    private(set) var chars: [Character] = []
    private(set) var widths: [UInt8] = []
    /// Cells taken by the whole line.
    private(set) var totalWidth = 0

    var count: Int { chars.count }

    mutating func insert(contentsOf new: [Character], widths newWidths: [UInt8], at index: Int) {
        chars.insert(contentsOf: new, at: index)
        widths.insert(contentsOf: newWidths, at: index)
        for w in newWidths { totalWidth += Int(w) }
    }

    /// Cuts the line at `index`, keeping the head; returns the tail.
    mutating func split(at index: Int) -> EditLine {
        var tail = EditLine()
        tail.chars = Array(chars[index...])
        tail.widths = Array(widths[index...])
        chars.removeSubrange(index...)
        widths.removeSubrange(index...)
        var moved = 0
        for w in tail.widths { moved += Int(w) }
        tail.totalWidth = moved
        totalWidth -= moved
        return tail
    }

    mutating func append(_ other: EditLine) {
        chars.append(contentsOf: other.chars)
        widths.append(contentsOf: other.widths)
        totalWidth += other.totalWidth
    }

    /// Hands the characters to a ``LineEditor`` without copying them (the array stays uniquely
    /// referenced); ``restore(_:oldCount:oldCursor:newCursor:)`` takes them back.
    mutating func takeCharacters() -> [Character] {
        defer { chars = [] }
        return chars
    }

    /// Takes the characters back after a one-line edit and updates the widths: every edit of
    /// ``LineEditor`` inserts one character before its new cursor, removes the range that starts
    /// at its new cursor, joins a combining mark to the character before the cursor (`joined`),
    /// or moves. Returns whether the text changed.
    @discardableResult
    mutating func restore(_ edited: [Character], oldCount: Int, newCursor: Int, joined: Bool) -> Bool {
        chars = edited
        if edited.count == oldCount + 1 {
            let w = UInt8(Glyph.width(edited[newCursor - 1]))
            widths.insert(w, at: newCursor - 1)
            totalWidth += Int(w)
            return true
        }
        if edited.count < oldCount {
            let range = newCursor..<(newCursor + oldCount - edited.count)
            for w in widths[range] { totalWidth -= Int(w) }
            widths.removeSubrange(range)
            return true
        }
        guard joined else { return false }
        let i = newCursor - 1
        let w = UInt8(Glyph.width(edited[i]))
        totalWidth += Int(w) - Int(widths[i])
        widths[i] = w
        return true
    }

    /// Cells from the start of the line to `index`.
    func column(of index: Int) -> Int {
        var col = 0
        for w in widths[..<min(max(0, index), widths.count)] { col += Int(w) }
        return col
    }

    /// The index of the character covering display column `col` counted from `start` (the start
    /// of a wide character when `col` falls on its right half), or the end of the line.
    func index(atColumn col: Int, from start: Int = 0) -> Int {
        var used = 0
        var i = start
        while i < widths.count {
            let w = Int(widths[i])
            if used + w > col { return i }
            used += w
            i += 1
        }
        return widths.count
    }

    /// Width of the cursor cell: the character under it, or one cell at the end of the line.
    func cursorWidth(at index: Int) -> Int { index < widths.count ? max(1, Int(widths[index])) : 1 }

    /// Where each visual row starts when the line wraps at `width` cells: `[0]` for a line that
    /// fits. A full last row is followed by an empty one, where the cursor goes at the end.
    func rowStarts(width: Int) -> [Int] {
        guard totalWidth >= width else { return [0] }
        var starts = [0]
        var col = 0
        for (i, w) in widths.enumerated() {
            let w = Int(w)
            if col + w > width && col > 0 {
                starts.append(i)
                col = 0
            }
            col += w
        }
        if col >= width { starts.append(widths.count) }
        return starts
    }

    /// The visual row (an index into `starts`) that holds character index `index`.
    static func row(of index: Int, in starts: [Int]) -> Int {
        var low = 0, high = starts.count - 1
        while low < high {
            let mid = (low + high + 1) / 2
            if starts[mid] <= index { low = mid } else { high = mid - 1 }
        }
        return low
    }
}
