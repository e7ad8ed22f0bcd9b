/// A multi-line text input drawn from a ``TextEditorState``: no wrapping, scrolling both ways to
/// keep the cursor visible; with focus the cursor cell uses the `.cursor` role and is recorded
/// in ``Buffer/cursor``.
public struct TextEditor: Widget, Sendable, Hashable {
    public var state: TextEditorState
    public var focused: Bool

    public init(state: TextEditorState, focused: Bool = true) {
        self.state = state
        self.focused = focused
    }

    public func render(in area: Rect, buffer: inout Buffer, theme: Theme) {
        guard !area.isEmpty else { return }
        let style = theme[.text]
        buffer.fill(area, style: style)
        let (top, left) = state.scroll(for: area.size)
        for i in 0..<area.height where top + i < state.lineCount {
            buffer.putScrolled(
                state.characters(ofLine: top + i), skip: left, x: area.x, y: area.y + i, width: area.width,
                style: style)
        }
        if focused {
            buffer.showCursor(
                x: area.x + state.cursorColumn - left, y: area.y + state.cursorRow - top,
                width: state.cursorWidth, theme: theme)
        }
    }
}
