/// A virtualised, scrollable list with one selected row.
///
/// The list never holds its rows: it asks `row` for the rows it is about to draw, and only for
/// those, so a list of a million entries costs one call per visible row per frame.
///
/// ```swift
/// ListView(rowCount: peers.count, state: model.peerList, focused: true) { i in
///     Line([Span(peers[i].name), Span("  \(peers[i].address)", role: .dim)])
/// }
/// .render(in: Pane.inner(area), buffer: &buffer, theme: theme)
/// ```
///
/// The selected row is drawn whole in the `.selection` role (`.selectionUnfocused` without focus)
/// with a leading marker, so it stays visible without colour.
/// Not `Sendable`: it holds the row closure, which may capture main-actor state; build it inside
/// the view function and render it straight away.
public struct ListView: Widget {
    public var rowCount: Int
    public var state: ListState
    public var focused: Bool
    /// Drawn at the start of the selected row; other rows are indented by its width.
    public var marker: String
    /// Shown, dimmed, when there are no rows.
    public var emptyText: String
    private let row: (Int) -> Line

    public init(
        rowCount: Int, state: ListState, focused: Bool = true, marker: String = "▶ ",
        emptyText: String = "", row: @escaping (Int) -> Line
    ) {
        self.rowCount = max(0, rowCount)
        self.state = state
        self.focused = focused
        self.marker = marker
        self.emptyText = emptyText
        self.row = row
    }

    public func render(in area: Rect, buffer: inout Buffer, theme: Theme) {
        let window = RowWindow(
            rowCount: rowCount, state: state, focused: focused, marker: marker, emptyText: emptyText)
        window.render(in: area, buffer: &buffer, theme: theme) { buffer, index, rect, selectionStyle in
            let line = row(index).truncated(to: rect.width)
            if let selectionStyle {
                buffer.put(line.plainText, x: rect.x, y: rect.y, maxWidth: rect.width, style: selectionStyle)
            } else {
                buffer.put(line, x: rect.x, y: rect.y, maxWidth: rect.width, theme: theme)
            }
        }
    }
}
