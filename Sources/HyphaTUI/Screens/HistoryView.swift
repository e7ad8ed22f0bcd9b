import HyphaEngine
import Widgets

/// Drawing the history view over the panes: the versions (graph, id, node, time, "current",
/// value) and, under them, the selected version whole (what it came after, its value).
enum HistoryView {
    /// Rows under the list for the selected version: a rule, two lines about it, its value.
    static let detailRows = 6

    /// Where the list and the selected version's details go in the body.
    static func areas(_ body: Rect) -> (list: Rect, detail: Rect?) {
        let inner = Pane.inner(body)
        let rows = inner.height >= 14 ? detailRows : inner.height / 3
        guard rows >= 2 else { return (inner, nil) }
        return (inner.inset(bottom: rows), inner.bottom(rows))
    }

    static func render(_ history: HistoryState, focused: Bool, in body: Rect, into buffer: inout Buffer, theme: Theme) {
        let footer = history.list.selected.map { "\(EntryText.count($0 + 1)) of \(EntryText.count(history.rowCount))" }
        Pane(title: "History of '\(EntryText.key(history.key))'", focused: focused, footer: footer)
            .render(in: body, buffer: &buffer, theme: theme)
        let (listArea, detailArea) = areas(body)
        let rows = history.rows ?? []
        let empty = history.failure.map { "Could not read the history: \($0)" }
            ?? (history.rows == nil ? "Loading…" : "Nothing was ever written to this key here.")
        let nameWidth = min(12, rows.map { TextWidth.of(EntryText.writer($0.item.version)) }.max() ?? 0)
        ListView(rowCount: rows.count, state: history.list, focused: focused, emptyText: empty) { i in
            line(rows[i], nameWidth: nameWidth)
        }
        .render(in: listArea, buffer: &buffer, theme: theme)
        if let detailArea, let row = history.selected {
            details(row, in: detailArea, into: &buffer, theme: theme)
        }
    }

    /// One version: graph, id, node, time, "current", then the value's first line.
    static func line(_ row: HistoryRow, nameWidth: Int) -> Line {
        let version = row.item.version
        let time = String(EntryText.time(version.timestamp).dropFirst(5))
        return Line([
            Span(row.graph + " ", role: row.item.isCurrent ? .success : .dim),
            Span(version.id.description + "  ", role: .dim),
            Span(TextWidth.fit(EntryText.writer(version), to: nameWidth) + "  "),
            Span(time + "  ", role: .dim),
            Span(row.item.isCurrent ? "current  " : "         ", role: .success),
            Span(EntryText.preview(version.value), role: version.isDeletion ? .dim : .text),
        ])
    }

    private static func details(_ row: HistoryRow, in area: Rect, into buffer: inout Buffer, theme: Theme) {
        let version = row.item.version
        var y = area.y
        buffer.put(String(repeating: "─", count: area.width), x: area.x, y: y, maxWidth: area.width, style: theme[.border])
        y += 1
        let about = Line([
            Span(version.id.description, role: .header),
            Span(" by \(EntryText.writer(version)), \(EntryText.time(version.timestamp)) UTC"),
            row.item.isCurrent ? Span(" · current", role: .success) : Span(""),
        ])
        buffer.put(about.truncated(to: area.width), x: area.x, y: y, maxWidth: area.width, theme: theme)
        y += 1
        guard y < area.maxY else { return }
        buffer.put(TextWidth.truncate(after(row.item.follows), to: area.width), x: area.x, y: y, maxWidth: area.width,
                   style: theme[.dim])
        y += 1
        for text in EntryText.rows(version.value, width: area.width, maxRows: area.maxY - y) where y < area.maxY {
            buffer.put(text, x: area.x, y: y, maxWidth: area.width, style: theme[version.isDeletion ? .dim : .text])
            y += 1
        }
    }

    /// What a version came right after, in words.
    static func after(_ follows: [VersionID]) -> String {
        switch follows.count {
        case 0: return "the first version of this key here"
        case 1: return "after \(follows[0])"
        default:
            let ids = follows.map(\.description)
            return "after \(ids.dropLast().joined(separator: ", ")) and \(ids.last!): it joined \(ids.count) branches"
        }
    }
}
