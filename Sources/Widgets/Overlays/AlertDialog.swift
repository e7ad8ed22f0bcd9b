/// A button of an ``AlertDialog``, with an optional one-key accelerator shown next to it.
public struct AlertButton: Sendable, Hashable {
    public var label: String
    /// Pressing this character (either case) chooses the button.
    public var key: Character?

    public init(_ label: String, key: Character? = nil) {
        self.label = label
        self.key = key
    }

    /// What the button shows: `[ Deny (n) ]`.
    var text: String {
        if let key { return "[ \(label) (\(key)) ]" }
        return "[ \(label) ]"
    }
}

/// A centred modal: a title, message, a row of buttons and an optional note in the bottom edge.
///
/// ```
/// ┌─ Authorise node? ────────────────────────┐
/// │                                          │
/// │ Authorise node "laptop" (code 482-193)?  │
/// │                                          │
/// │     [ Deny (n) ]  [ Authorise (y) ]      │
/// └──────────────────────── 1 more pending ──┘
/// ```
///
/// The dialog is also its own state (only which button has focus), so the app can keep it in a
/// modal stack as one value and send it every key while it is on top. Focus starts on the safe
/// button, which Esc also chooses: an accidental Enter or Esc never does the dangerous thing.
/// Rendering clears the dialog's rectangle first, so nothing underneath shows through.
public struct AlertDialog: Widget, Sendable, Hashable {
    public var title: String
    /// Paragraphs, word-wrapped to the dialog's width.
    public var message: [String]
    public var buttons: [AlertButton]
    /// The button that has focus at first and that Esc chooses.
    public let safeButton: Int
    /// The button Enter would choose now.
    public private(set) var focusedButton: Int
    /// A note in the bottom border, such as "1 more pending".
    public var footer: String?
    /// Widest the dialog grows to (it also never exceeds the area it is centred in).
    public var maxWidth: Int

    public init(
        title: String, message: [String], buttons: [AlertButton], safeButton: Int = 0,
        footer: String? = nil, maxWidth: Int = 60
    ) {
        self.title = title
        self.message = message
        self.buttons = buttons
        let safe = buttons.isEmpty ? 0 : min(max(0, safeButton), buttons.count - 1)
        self.safeButton = safe
        self.focusedButton = safe
        self.footer = footer
        self.maxWidth = maxWidth
    }

    /// Handles a key while the dialog is on top and returns the index of the chosen button, if
    /// one was chosen. Tab/→ and Shift-Tab/← move the focus, Enter chooses the focused button,
    /// Esc chooses the safe one, and a button's accelerator chooses it. Every other key is
    /// swallowed: a modal takes all keys.
    public mutating func handle(_ key: Key) -> Int? {
        guard !buttons.isEmpty else { return nil }
        switch key {
        case .tab, .right:
            focusedButton = (focusedButton + 1) % buttons.count
        case .backTab, .left:
            focusedButton = (focusedButton + buttons.count - 1) % buttons.count
        case .enter:
            return focusedButton
        case .esc:
            return safeButton
        case .char(let ch):
            let typed = ch.lowercased()
            return buttons.firstIndex { $0.key.map { $0.lowercased() == typed } ?? false }
        default:
            break
        }
        return nil
    }

    /// The rectangle the dialog occupies when centred in `area`.
    public func frame(in area: Rect) -> Rect {
        let width = dialogWidth(in: area)
        let height = 5 + wrappedMessage(innerWidth: width - 4).count
        return area.centred(width: width, height: height)
    }

    public func render(in area: Rect, buffer: inout Buffer, theme: Theme) {
        let frame = frame(in: area)
        guard frame.width >= 6, frame.height >= 3 else { return }
        buffer.fill(frame, style: theme[.modal])
        Border.draw(
            frame, in: &buffer, style: theme[.modalBorder], title: title, titleStyle: theme[.modalTitle],
            footer: footer, footerStyle: theme[.modalFooter])

        let inner = frame.inset(top: 2, left: 2, bottom: 1, right: 2)
        let messageRows = max(0, inner.height - 2)  // a blank row and the buttons stay visible
        for (i, text) in wrappedMessage(innerWidth: inner.width).prefix(messageRows).enumerated() {
            buffer.put(text, x: inner.x, y: inner.y + i, maxWidth: inner.width, style: theme[.modal])
        }
        drawButtons(in: inner.bottom(1), buffer: &buffer, theme: theme)
    }

    private func drawButtons(in row: Rect, buffer: inout Buffer, theme: Theme) {
        let gap = 2
        let total = buttons.reduce(0) { $0 + TextWidth.of($1.text) } + gap * max(0, buttons.count - 1)
        var x = row.x + max(0, (row.width - total) / 2)
        for (i, button) in buttons.enumerated() {
            let style = theme[i == focusedButton ? .buttonFocused : .button]
            x = buffer.put(button.text, x: x, y: row.y, maxWidth: row.maxX - x, style: style) + gap
            if x >= row.maxX { break }
        }
    }

    private func dialogWidth(in area: Rect) -> Int {
        let buttonsWidth = buttons.reduce(0) { $0 + TextWidth.of($1.text) } + 2 * max(0, buttons.count - 1)
        let messageWidth = message.map(TextWidth.of).max() ?? 0
        let wanted = max(30, TextWidth.of(title) + 8, messageWidth + 4, buttonsWidth + 4, TextWidth.of(footer ?? "") + 8)
        return min(wanted, maxWidth, area.width)
    }

    private func wrappedMessage(innerWidth: Int) -> [String] {
        message.flatMap { TextWidth.wrap($0, width: max(1, innerWidth)) }
    }
}
