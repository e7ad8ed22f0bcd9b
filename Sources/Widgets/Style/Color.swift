/// A terminal colour: the terminal's own default, one of the 16 ANSI colours, or a 256-colour
/// palette index (only use indexed colours when the terminal reports at least 256 colours).
public enum Color: Sendable, Hashable, CustomStringConvertible {
    /// The terminal's default foreground or background (ncurses colour -1).
    case `default`
    case black, red, green, yellow, blue, magenta, cyan, white
    case brightBlack, brightRed, brightGreen, brightYellow
    case brightBlue, brightMagenta, brightCyan, brightWhite
    /// An entry of the xterm 256-colour palette.
    case indexed(UInt8)

    /// The palette number for a backend: 0–15 for ANSI colours, the index for `.indexed`,
    /// and -1 for `.default` (what `use_default_colors` expects).
    public var paletteIndex: Int {
        switch self {
        case .default: return -1
        case .black: return 0
        case .red: return 1
        case .green: return 2
        case .yellow: return 3
        case .blue: return 4
        case .magenta: return 5
        case .cyan: return 6
        case .white: return 7
        case .brightBlack: return 8
        case .brightRed: return 9
        case .brightGreen: return 10
        case .brightYellow: return 11
        case .brightBlue: return 12
        case .brightMagenta: return 13
        case .brightCyan: return 14
        case .brightWhite: return 15
        case .indexed(let n): return Int(n)
        }
    }

    public var description: String {
        switch self {
        case .default: return "default"
        case .black: return "black"
        case .red: return "red"
        case .green: return "green"
        case .yellow: return "yellow"
        case .blue: return "blue"
        case .magenta: return "magenta"
        case .cyan: return "cyan"
        case .white: return "white"
        case .brightBlack: return "brightBlack"
        case .brightRed: return "brightRed"
        case .brightGreen: return "brightGreen"
        case .brightYellow: return "brightYellow"
        case .brightBlue: return "brightBlue"
        case .brightMagenta: return "brightMagenta"
        case .brightCyan: return "brightCyan"
        case .brightWhite: return "brightWhite"
        case .indexed(let n): return "indexed(\(n))"
        }
    }
}
