/// A one-line text input drawn from a ``TextFieldState``.
///
/// The text scrolls sideways to keep the cursor visible. With focus, the cursor cell is drawn in
/// the `.cursor` role and recorded in ``Buffer/cursor``. An empty field shows `placeholder`.
///
/// A secret field (``TextFieldState/isSecret``) shows only `secretIndicator`, the same whatever
/// was typed, and its cursor stays in one place: nothing on screen reveals the content or its
/// length (not even whether it is empty).
public struct TextField: Widget, Sendable, Hashable {
    public var state: TextFieldState
    public var focused: Bool
    public var placeholder: String
    public var secretIndicator: String

    public init(
        state: TextFieldState, focused: Bool = true, placeholder: String = "",
        secretIndicator: String = "(hidden)"
    ) {
        self.state = state
        self.focused = focused
        self.placeholder = placeholder
        self.secretIndicator = secretIndicator
    }

    /// Draws on the first row of `area`.
    public func render(in area: Rect, buffer: inout Buffer, theme: Theme) {
        let row = area.row(0)
        guard !row.isEmpty else { return }
        let style = theme[focused ? .inputFocused : .input]
        buffer.fill(row, style: style)

        if state.isSecret {
            let end = buffer.put(secretIndicator, x: row.x, y: row.y, maxWidth: row.width - 1, style: theme[.placeholder])
            if focused { buffer.showCursor(x: min(end, row.maxX - 1), y: row.y, width: 1, theme: theme) }
            return
        }
        if state.isEmpty {
            buffer.put(placeholder, x: row.x, y: row.y, maxWidth: row.width, style: theme[.placeholder])
            if focused { buffer.showCursor(x: row.x, y: row.y, width: 1, theme: theme) }
            return
        }
        let skip = state.scroll(forWidth: row.width)
        buffer.putScrolled(state.characters, skip: skip, x: row.x, y: row.y, width: row.width, style: style)
        if focused {
            buffer.showCursor(x: row.x + state.cursorColumn - skip, y: row.y, width: state.cursorWidth, theme: theme)
        }
    }
}
