extension Buffer {
    /// Draws `chars` as they appear when the line is scrolled `skip` cells to the left, in at
    /// most `width` cells from (`x`, `y`). A wide character cut by the left edge shows as a space.
    mutating func putScrolled(
        _ chars: some Sequence<Character>, skip: Int, x: Int, y: Int, width: Int, style: Style
    ) {
        var col = 0
        for ch in chars {
            let w = Glyph.width(ch)
            defer { col += w }
            if col + w <= skip { continue }
            let screenX = x + col - skip
            if screenX >= x + width { break }
            if col < skip {
                put(" ", x: x, y: y, style: style)
                continue
            }
            put(String(ch), x: screenX, y: y, maxWidth: x + width - screenX, style: style)
        }
    }

    /// Draws `chars` from (`x`, `y`), stopping before `maxX` (a wide character that does not
    /// fit is left out).
    mutating func putRow(_ chars: some Sequence<Character>, x: Int, y: Int, maxX: Int, style: Style) {
        var column = x
        for ch in chars {
            guard column < maxX else { break }
            let next = put(String(ch), x: column, y: y, maxWidth: maxX - column, style: style)
            // Nothing was drawn (a wide glyph in the last cell): stop.
            if next == column, Glyph.width(ch) > 0 { break }
            column = next
        }
    }

    /// Shows the text cursor over the cells `[x, x + width)` of row `y` and records its position.
    mutating func showCursor(x: Int, y: Int, width: Int, theme: Theme) {
        setStyle(theme[.cursor], in: Rect(x: x, y: y, width: max(1, width), height: 1))
        cursor = Position(x: x, y: y)
    }
}
