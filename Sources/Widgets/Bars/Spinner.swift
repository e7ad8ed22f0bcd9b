/// An activity indicator with an optional label. It has no timer: the app advances `frame` on
/// its own tick and re-renders, so rendering stays a pure function of the model.
public struct Spinner: Widget, Sendable, Hashable {
    /// Braille dots, one cell each.
    public static let dots: [String] = ["⠋", "⠙", "⠹", "⠸", "⠼", "⠴", "⠦", "⠧", "⠇", "⠏"]
    /// Plain ASCII, for terminals without braille glyphs.
    public static let ascii: [String] = ["|", "/", "-", "\\"]

    public var frame: Int
    public var label: String
    public var frames: [String]

    public init(frame: Int, label: String = "", frames: [String] = Spinner.dots) {
        self.frame = frame
        self.label = label
        self.frames = frames.isEmpty ? Spinner.ascii : frames
    }

    /// The glyph for the current frame (any integer, negative included, wraps around).
    public var glyph: String {
        frames[((frame % frames.count) + frames.count) % frames.count]
    }

    /// Draws on the first row of `area`: the glyph, a space, the label (cut with "…").
    public func render(in area: Rect, buffer: inout Buffer, theme: Theme) {
        let row = area.row(0)
        guard !row.isEmpty else { return }
        let x = buffer.put(glyph, x: row.x, y: row.y, maxWidth: row.width, style: theme[.spinner])
        guard !label.isEmpty, x + 1 < row.maxX else { return }
        buffer.put(TextWidth.truncate(label, to: row.maxX - x - 1), x: x + 1, y: row.y, style: theme[.text])
    }
}
