/// Draws single-line box borders with an optional label in the top and bottom edges:
/// `┌─ Title ─────┐` … `└──── footer ─┘`. Shared by ``Pane``, ``AlertDialog`` and ``HelpOverlay``.
enum Border {
    /// Draws the frame of `rect` (needs at least 2×2 cells). Labels are cut with "…" to fit.
    static func draw(
        _ rect: Rect, in buffer: inout Buffer, style: Style,
        title: String? = nil, titleStyle: Style = .plain,
        footer: String? = nil, footerStyle: Style = .plain
    ) {
        guard rect.width >= 2, rect.height >= 2 else { return }
        let right = rect.maxX - 1, bottom = rect.maxY - 1
        buffer.fill(Rect(x: rect.x + 1, y: rect.y, width: rect.width - 2, height: 1), with: "─", style: style)
        buffer.fill(Rect(x: rect.x + 1, y: bottom, width: rect.width - 2, height: 1), with: "─", style: style)
        buffer.fill(Rect(x: rect.x, y: rect.y + 1, width: 1, height: rect.height - 2), with: "│", style: style)
        buffer.fill(Rect(x: right, y: rect.y + 1, width: 1, height: rect.height - 2), with: "│", style: style)
        buffer.put("┌", x: rect.x, y: rect.y, style: style)
        buffer.put("┐", x: right, y: rect.y, style: style)
        buffer.put("└", x: rect.x, y: bottom, style: style)
        buffer.put("┘", x: right, y: bottom, style: style)

        // "─ Title ─": the label starts after one dash and keeps one dash before the corner.
        let room = rect.width - 6
        if let title, !title.isEmpty, room > 0 {
            let text = TextWidth.truncate(title, to: room)
            let end = buffer.put(" ", x: rect.x + 2, y: rect.y, style: style)
            let after = buffer.put(text, x: end, y: rect.y, style: titleStyle)
            buffer.put(" ", x: after, y: rect.y, style: style)
        }
        // The footer sits at the right of the bottom edge.
        if let footer, !footer.isEmpty, room > 0 {
            let text = TextWidth.truncate(footer, to: room)
            let start = right - 2 - TextWidth.of(text)
            let end = buffer.put(" ", x: start - 1, y: bottom, style: style)
            let after = buffer.put(text, x: end, y: bottom, style: footerStyle)
            buffer.put(" ", x: after, y: bottom, style: style)
        }
    }
}
