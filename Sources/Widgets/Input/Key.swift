/// A key press, independent of any terminal library. The backend turns ncurses codes into these;
/// the app's update function and the editing states consume them.
public enum Key: Sendable, Hashable, CustomStringConvertible {
    /// A printable character (including space).
    case char(Character)
    case up, down, left, right
    case enter, esc, tab, backTab, backspace, delete
    case home, end, pageUp, pageDown
    /// A function key, F1 = `.f(1)`.
    case f(Int)
    /// Control plus a letter, lower case: Ctrl-W is `.ctrl("w")`.
    case ctrl(Character)
    /// Alt (Meta) plus a character: Alt-B is `.alt("b")`.
    case alt(Character)
    /// The terminal changed size (the app reads the new size and re-renders).
    case resize
    /// Text the terminal pasted (bracketed paste): inserted as text by the focused input, never
    /// run as keys. It may hold line breaks and control characters; inputs drop what they
    /// cannot hold.
    case paste(String)
    /// A mouse button or wheel event at a screen cell.
    case mouse(MouseEvent)

    /// A short name for hints and logs: "a", "Enter", "Ctrl-W", "F1", "↑".
    public var description: String {
        switch self {
        case .char(" "): return "Space"
        case .char(let c): return String(c)
        case .up: return "↑"
        case .down: return "↓"
        case .left: return "←"
        case .right: return "→"
        case .enter: return "Enter"
        case .esc: return "Esc"
        case .tab: return "Tab"
        case .backTab: return "Shift-Tab"
        case .backspace: return "Backspace"
        case .delete: return "Delete"
        case .home: return "Home"
        case .end: return "End"
        case .pageUp: return "PgUp"
        case .pageDown: return "PgDn"
        case .f(let n): return "F\(n)"
        case .ctrl(let c): return "Ctrl-\(String(c).uppercased())"
        case .alt(let c): return "Alt-\(c)"
        case .resize: return "Resize"
        case .paste: return "Paste"
        case .mouse(let event): return "Mouse \(event.kind) (\(event.x), \(event.y))"
        }
    }
}

/// A mouse event: where (screen cells, 0-based) and what.
public struct MouseEvent: Sendable, Hashable {
    public enum Kind: Sendable, Hashable {
        /// The left button was pressed (or clicked).
        case press
        case wheelUp, wheelDown
    }

    public var kind: Kind
    public var x: Int
    public var y: Int

    public init(_ kind: Kind, x: Int, y: Int) {
        self.kind = kind
        self.x = x
        self.y = y
    }
}
