/// A one-row bar with text on the left and on the right (`hypha · example.org      3 peers`).
/// The right side wins when space is short: the left side is cut with "…" first.
/// Spans keep their own roles, layered over the bar's (so `.success` text keeps the bar's
/// background); plain `.text` spans take the bar's style.
public struct StatusBar: Widget, Sendable, Hashable {
    public var left: Line
    public var right: Line
    /// `.status`, `.statusWarning` or `.statusError`.
    public var role: Role

    public init(left: Line = Line([]), right: Line = Line([]), role: Role = .status) {
        self.left = left
        self.right = right
        self.role = role
    }

    /// Draws on the first row of `area`, with one cell of padding at each end.
    public func render(in area: Rect, buffer: inout Buffer, theme: Theme) {
        let row = area.row(0)
        guard !row.isEmpty else { return }
        let base = theme[role]
        buffer.fill(row, style: base)
        let inner = row.inset(left: 1, right: 1)
        let rightLine = right.truncated(to: inner.width)
        let rightWidth = rightLine.width
        draw(rightLine, x: inner.maxX - rightWidth, y: row.y, base: base, buffer: &buffer, theme: theme)
        let leftRoom = inner.width - rightWidth - (rightWidth > 0 ? 1 : 0)
        draw(left.truncated(to: leftRoom), x: inner.x, y: row.y, base: base, buffer: &buffer, theme: theme)
    }

    private func draw(_ line: Line, x: Int, y: Int, base: Style, buffer: inout Buffer, theme: Theme) {
        var col = x
        for span in line.spans {
            let style = span.role == .text ? base : theme[span.role].layered(over: base)
            col = buffer.put(span.text, x: col, y: y, style: style)
        }
    }
}
