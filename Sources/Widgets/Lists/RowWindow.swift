/// The part of ``ListView`` and ``Table`` that picks the visible rows and draws the selection,
/// so both virtualise the same way: only rows inside the viewport are ever requested.
struct RowWindow {
    var rowCount: Int
    var state: ListState
    var focused: Bool
    /// Drawn before the selected row ("▶ "); other rows get the same width of spaces.
    var marker: String
    /// Shown, dimmed, on the first row when there are no rows.
    var emptyText: String

    /// Calls `drawRow(&buffer, index, rowRect, selectionStyle)` for each visible row, top to bottom,
    /// or shows `emptyText` when there are no rows.
    /// `rowRect` excludes the marker column; `selectionStyle` is nil for unselected rows.
    func render(in area: Rect, buffer: inout Buffer, theme: Theme, drawRow: (inout Buffer, Int, Rect, Style?) -> Void) {
        guard !area.isEmpty else { return }
        if rowCount == 0 {
            buffer.put(TextWidth.truncate(emptyText, to: area.width), x: area.x, y: area.y, style: theme[.dim])
            return
        }
        let rows = state.visibleRows(rowCount: rowCount, height: area.height)
        let markerWidth = min(TextWidth.of(marker), area.width)
        let selectionStyle = theme[focused ? .selection : .selectionUnfocused]
        for index in rows {
            let line = area.row(index - rows.lowerBound)
            let isSelected = index == state.selected
            if isSelected {
                buffer.fill(line, style: selectionStyle)
                buffer.put(marker, x: line.x, y: line.y, maxWidth: markerWidth, style: selectionStyle)
            }
            drawRow(&buffer, index, line.inset(left: markerWidth), isSelected ? selectionStyle : nil)
        }
    }
}
