/// A multi-line text input drawn from a ``TextEditorState``: long lines wrap at the area's width
/// (or, without soft wrap, the view scrolls sideways), and the view scrolls to keep the cursor
/// visible; with focus the cursor cell uses the `.cursor` role and is recorded in
/// ``Buffer/cursor``. Only the visible rows are drawn.
public struct TextEditor: Widget, Sendable, Hashable {
    public var state: TextEditorState
    public var focused: Bool

    public init(state: TextEditorState, focused: Bool = true) {
        self.state = state
        self.focused = focused
    }

    public func render(in area: Rect, buffer: inout Buffer, theme: Theme) {
        guard !area.isEmpty else { return }
        let style = theme[.text]
        buffer.fill(area, style: style)
        let (top, subrow, left) = state.scroll(for: area.size)
        guard state.softWrap else {
            for i in 0..<area.height where top + i < state.lineCount {
                let line = state.editLine(top + i)
                let first = line.index(atColumn: left)
                // A wide character cut by the left edge shows as a space.
                var x = area.x
                var start = first
                if first < line.count, line.column(of: first) < left {
                    buffer.put(" ", x: area.x, y: area.y + i, style: style)
                    x += 1
                    start += 1
                }
                buffer.putRow(line.chars[start...], x: x, y: area.y + i, maxX: area.maxX, style: style)
            }
            if focused {
                buffer.showCursor(
                    x: area.x + state.cursorColumn - left, y: area.y + state.cursorRow - top,
                    width: state.cursorWidth, theme: theme)
            }
            return
        }
        var y = 0
        var row = top
        var sub = subrow
        var cursor: Position?
        while y < area.height, row < state.lineCount {
            let line = state.editLine(row)
            let starts = line.rowStarts(width: area.width)
            let cursorSub = row == state.cursorRow ? EditLine.row(of: state.cursorIndex, in: starts) : -1
            while sub < starts.count, y < area.height {
                let start = starts[sub]
                let end = sub + 1 < starts.count ? starts[sub + 1] : line.count
                buffer.putRow(line.chars[start..<end], x: area.x, y: area.y + y, maxX: area.maxX, style: style)
                if sub == cursorSub {
                    var x = 0
                    for w in line.widths[start..<state.cursorIndex] { x += Int(w) }
                    cursor = Position(x: area.x + x, y: area.y + y)
                }
                sub += 1
                y += 1
            }
            row += 1
            sub = 0
        }
        if focused, let cursor {
            buffer.showCursor(x: cursor.x, y: cursor.y, width: state.cursorWidth, theme: theme)
        }
    }
}
