/// A grid of cells that widgets draw into. The app builds one per frame from its model; the
/// terminal backend copies it to the screen (skipping `.continuation` cells).
///
/// Width rules, enforced by every writing method:
/// - a glyph takes ``TextWidth/of(_:)-(Character)`` cells; a wide glyph's second cell is
///   `.continuation`;
/// - a wide glyph never starts in the last available column (writing stops there instead);
/// - overwriting either half of a wide glyph blanks the other half, so no orphan halves remain;
/// - control and other unprintable characters are drawn as U+FFFD, never written raw;
/// - writes outside the buffer are clipped silently.
public struct Buffer: Sendable, Hashable {
    public let size: Size
    private var cells: [Cell]
    /// Where the terminal cursor should be shown, if anywhere (set by a focused text input).
    /// Backends may place the real cursor here; the cell is also drawn in the `.cursor` role.
    public var cursor: Position?

    public init(size: Size, fill: Cell = .blank) {
        self.size = size
        self.cells = Array(repeating: fill, count: size.width * size.height)
    }

    public init(width: Int, height: Int) {
        self.init(size: Size(width: width, height: height))
    }

    public var width: Int { size.width }
    public var height: Int { size.height }
    /// The whole buffer as a rectangle.
    public var area: Rect { Rect(size) }

    /// The cell at (`x`, `y`); a blank cell outside the buffer.
    public subscript(x: Int, y: Int) -> Cell {
        guard inBounds(x, y) else { return .blank }
        return cells[y * size.width + x]
    }

    /// The cells of one row (empty outside the buffer).
    public func row(_ y: Int) -> ArraySlice<Cell> {
        guard y >= 0, y < size.height else { return [] }
        return cells[(y * size.width)..<((y + 1) * size.width)]
    }

    // MARK: Writing

    /// Writes `text` from column `x` on row `y` in `style`, using at most `maxWidth` cells
    /// (and never past the right edge). Returns the column after the last cell written.
    @discardableResult
    public mutating func put(_ text: String, x: Int, y: Int, maxWidth: Int? = nil, style: Style = .plain) -> Int {
        let limit = min(maxWidth.map { x + max(0, $0) } ?? size.width, size.width)
        var col = x
        for ch in text {
            guard let (glyph, w) = Glyph.display(ch) else { continue }
            if col + w > limit { break }
            if col >= 0 { setGlyph(glyph, width: w, x: col, y: y, style: style) }
            col += w
        }
        return col
    }

    /// Writes the spans of `line` one after another, each in its role's style.
    @discardableResult
    public mutating func put(_ line: Line, x: Int, y: Int, maxWidth: Int? = nil, theme: Theme) -> Int {
        let limit = min(maxWidth.map { x + max(0, $0) } ?? size.width, size.width)
        var col = x
        for span in line.spans where col < limit {
            col = put(span.text, x: col, y: y, maxWidth: limit - col, style: theme[span.role])
        }
        return col
    }

    /// Fills `rect` with `character` (a space by default) in `style`: the "clear" step of
    /// overlays and the background of bars.
    public mutating func fill(_ rect: Rect, with character: Character = " ", style: Style = .plain) {
        let r = rect.intersection(area)
        guard !r.isEmpty, let (glyph, w) = Glyph.display(character) else { return }
        for y in r.y..<r.maxY {
            var x = r.x
            while x + w <= r.maxX {
                setGlyph(glyph, width: w, x: x, y: y, style: style)
                x += w
            }
            if x < r.maxX { setGlyph(" ", width: 1, x: x, y: y, style: style) }
        }
    }

    /// Changes the style of every cell in `rect`, keeping the glyphs (a wide glyph cut by the edge
    /// of `rect` is restyled whole, so both halves always share one style).
    public mutating func setStyle(_ style: Style, in rect: Rect) {
        let r = rect.intersection(area)
        guard !r.isEmpty else { return }
        for y in r.y..<r.maxY {
            var start = r.x
            while start > 0, cells[y * size.width + start].isContinuation { start -= 1 }
            var end = r.maxX
            while end < size.width, cells[y * size.width + end].isContinuation { end += 1 }
            for x in start..<end { cells[y * size.width + x].style = style }
        }
    }

    // MARK: Cell-level rules

    private func inBounds(_ x: Int, _ y: Int) -> Bool {
        x >= 0 && y >= 0 && x < size.width && y < size.height
    }

    /// Writes one already-classified glyph, keeping wide glyphs whole.
    private mutating func setGlyph(_ glyph: Character, width w: Int, x: Int, y: Int, style: Style) {
        guard inBounds(x, y), x + w <= size.width else { return }
        for cx in x..<(x + w) { detachWideGlyph(at: cx, y: y) }
        let base = y * size.width
        cells[base + x] = Cell(.glyph(glyph), style: style)
        if w == 2 { cells[base + x + 1] = Cell(.continuation, style: style) }
    }

    /// Before a cell is overwritten: if it is half of a wide glyph, blank the other half.
    private mutating func detachWideGlyph(at x: Int, y: Int) {
        let base = y * size.width
        if cells[base + x].isContinuation, x > 0 {
            cells[base + x - 1].content = .glyph(" ")
        }
        if x + 1 < size.width, cells[base + x + 1].isContinuation {
            cells[base + x + 1].content = .glyph(" ")
        }
    }
}
