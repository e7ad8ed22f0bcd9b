/// Maps every ``Role`` to a ``Style``. Widgets take a theme at render time, so switching theme
/// (colour or monochrome) is a matter of passing another value.
public struct Theme: Sendable, Hashable {
    private var styles: [Role: Style]

    /// Builds a theme by asking `style` for every role.
    public init(_ style: (Role) -> Style) {
        var table: [Role: Style] = [:]
        for role in Role.allCases { table[role] = style(role) }
        styles = table
    }

    public subscript(role: Role) -> Style {
        get { styles[role] ?? .plain }
        set { styles[role] = newValue }
    }

    /// A copy with one role restyled.
    public func with(_ role: Role, _ style: Style) -> Theme {
        var copy = self
        copy[role] = style
        return copy
    }

    /// The 16 ANSI colours on the terminal's own background.
    public static let standard = Theme { role in
        switch role {
        case .text, .modal, .button: return .plain
        case .dim, .modalFooter: return Style(foreground: .brightBlack)
        case .title: return Style(attributes: .bold)
        case .titleFocused, .borderFocused: return Style(foreground: .green, attributes: .bold)
        case .border: return .plain
        case .selection: return Style(foreground: .brightWhite, background: .blue, attributes: .bold)
        case .selectionUnfocused: return Style(background: .brightBlack)
        case .header: return Style(foreground: .cyan, attributes: .bold)
        case .keyHint: return .plain
        case .keyHintKey: return Style(foreground: .cyan, attributes: .bold)
        case .status: return Style(foreground: .black, background: .white)
        case .statusWarning: return Style(foreground: .black, background: .yellow)
        case .statusError: return Style(foreground: .brightWhite, background: .red, attributes: .bold)
        case .danger: return Style(foreground: .red, attributes: .bold)
        case .warning: return Style(foreground: .yellow)
        case .success: return Style(foreground: .green)
        case .conflict: return Style(foreground: .magenta, attributes: .bold)
        case .modalBorder: return Style(foreground: .yellow, attributes: .bold)
        case .modalTitle: return Style(foreground: .yellow, attributes: .bold)
        case .buttonFocused: return Style(foreground: .black, background: .cyan, attributes: .bold)
        case .input: return Style(attributes: .underline)
        case .inputFocused: return Style(foreground: .brightWhite, attributes: .underline)
        case .placeholder: return Style(foreground: .brightBlack, attributes: .underline)
        case .cursor: return Style(attributes: .reverse)
        case .progress: return Style(foreground: .green)
        case .progressTrack: return Style(foreground: .brightBlack)
        case .spinner: return Style(foreground: .cyan)
        case .helpSection: return Style(foreground: .yellow, attributes: .bold)
        case .helpKey: return Style(foreground: .cyan, attributes: .bold)
        }
    }

    /// No colour at all: bold, dim, reverse and underline only. Selection and the focused button
    /// are reversed, so they stay visible on a monochrome terminal.
    public static let monochrome = Theme { role in
        switch role {
        case .text, .modal, .button, .keyHint, .border, .success, .progress: return .plain
        case .dim, .modalFooter, .progressTrack: return Style(attributes: .dim)
        case .title, .borderFocused, .keyHintKey, .danger, .warning, .modalBorder, .modalTitle, .spinner,
             .helpKey:
            return Style(attributes: .bold)
        case .titleFocused, .header, .conflict, .helpSection: return Style(attributes: [.bold, .underline])
        case .selection, .buttonFocused, .statusWarning: return Style(attributes: [.reverse, .bold])
        case .selectionUnfocused: return Style(attributes: [.reverse, .dim])
        case .status, .cursor: return Style(attributes: .reverse)
        case .statusError: return Style(attributes: [.reverse, .bold, .underline])
        case .input, .inputFocused: return Style(attributes: .underline)
        case .placeholder: return Style(attributes: [.underline, .dim])
        }
    }
}
