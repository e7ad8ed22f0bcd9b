/// A key and what it does: one entry of a ``KeyHints`` bar ("q", "quit") or of a
/// ``HelpSection`` ("PgUp PgDn", "page through the entries").
public struct KeyHint: Sendable, Hashable {
    public var key: String
    public var label: String

    public init(_ key: String, _ label: String) {
        self.key = key
        self.label = label
    }
}

/// The key-hint bar, usually the last row: `q quit  / filter  a add`, keys in `.keyHintKey`,
/// verbs in `.keyHint`. Hints are listed most important first: when the row is too narrow,
/// the hints that do not fit whole are dropped and a "…" shows that some are missing.
public struct KeyHints: Widget, Sendable, Hashable {
    public var hints: [KeyHint]

    public init(_ hints: [KeyHint]) {
        self.hints = hints
    }

    /// Draws on the first row of `area`.
    public func render(in area: Rect, buffer: inout Buffer, theme: Theme) {
        let row = area.row(0)
        guard !row.isEmpty else { return }
        buffer.fill(row, style: theme[.keyHint])
        let gap = 2
        var x = row.x
        for (i, hint) in hints.enumerated() {
            let start = i == 0 ? x : x + gap
            let line = Line([Span(hint.key, role: .keyHintKey), Span(" " + hint.label, role: .keyHint)])
            // A hint is drawn only whole, leaving room for " …" unless it is the last one.
            let needed = line.width + (i == hints.count - 1 ? 0 : 2)
            if start + needed <= row.maxX {
                x = buffer.put(line, x: start, y: row.y, theme: theme)
            } else if i == 0 {
                buffer.put(line.truncated(to: row.width), x: row.x, y: row.y, theme: theme)
                return
            } else {
                buffer.put(" " + String(TextWidth.ellipsis), x: x, y: row.y, maxWidth: row.maxX - x, style: theme[.keyHint])
                return
            }
        }
    }
}
