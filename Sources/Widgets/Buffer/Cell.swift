/// One terminal cell.
public struct Cell: Sendable, Hashable {
    /// What a cell shows.
    public enum Content: Sendable, Hashable {
        /// A grapheme, including its combining marks. A wide glyph (2 cells) is followed by a
        /// `.continuation` cell.
        case glyph(Character)
        /// The right-hand half of the wide glyph in the cell to the left. A backend skips it.
        case continuation
    }

    public var content: Content
    public var style: Style

    public init(_ content: Content = .glyph(" "), style: Style = .plain) {
        self.content = content
        self.style = style
    }

    /// A space in the plain style.
    public static let blank = Cell()

    /// The glyph, or nil for a continuation cell.
    public var glyph: Character? {
        if case .glyph(let ch) = content { return ch }
        return nil
    }

    public var isContinuation: Bool { content == .continuation }
}
