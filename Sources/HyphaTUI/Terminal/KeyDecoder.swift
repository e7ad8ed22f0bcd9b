@preconcurrency import CNcursesw
import Widgets

/// Turns what `wget_wch` returns into ``Key`` values. Pure: it takes the status and code as
/// numbers, so it is tested without a terminal.
enum KeyDecoder {
    /// One successful `wget_wch` read.
    enum Input: Sendable, Equatable {
        /// Status `OK`: a character (Unicode scalar value or a control code).
        case character(UInt32)
        /// Status `KEY_CODE_YES`: a function key code (`KEY_UP`, `KEY_RESIZE`…).
        case function(Int32)
        /// A `KEY_MOUSE` read with its event: button 1 (left press), 4/5 (wheel up/down), 0 other.
        case mouse(button: Int32, x: Int, y: Int)

        /// The read as ncurses reported it; nil for `ERR` (nothing to read).
        init?(status: Int32, code: UInt32) {
            switch status {
            case Code.ok: self = .character(code)
            case Code.functionKey: self = .function(Int32(bitPattern: code))
            default: return nil
            }
        }
    }

    /// The ncurses numbers the decoder understands (the header's macros, as Swift constants).
    enum Code {
        static let ok = Int32(OK)
        static let functionKey = Int32(KEY_CODE_YES)
        static let up = Int32(KEY_UP), down = Int32(KEY_DOWN), left = Int32(KEY_LEFT), right = Int32(KEY_RIGHT)
        static let home = Int32(KEY_HOME), end = Int32(KEY_END)
        static let pageUp = Int32(KEY_PPAGE), pageDown = Int32(KEY_NPAGE)
        static let backspace = Int32(KEY_BACKSPACE), delete = Int32(KEY_DC)
        static let enter = Int32(KEY_ENTER), backTab = Int32(KEY_BTAB), resize = Int32(KEY_RESIZE)
        static let f0 = Int32(KEY_F0)
        static let mouse = Int32(KEY_MOUSE)
        /// Bracketed paste's markers (ESC[200~ and ESC[201~), given codes of their own with
        /// `define_key`, above every ncurses key code.
        static let pasteBegin = Int32(KEY_MAX) + 1
        static let pasteEnd = Int32(KEY_MAX) + 2
    }

    /// Decodes reads across batches: a paste can span many reads. Everything between the paste
    /// markers becomes one `.paste` key holding the text (line breaks as "\n"); keys decoded
    /// inside it (an escape sequence in the pasted text) are dropped, never run.
    struct Stream {
        private var pasted: String.UnicodeScalarView?
        /// A paste longer than this is cut (the largest value is 500 KB).
        static let maxPasteScalars = 1_000_000

        var isPasting: Bool { pasted != nil }

        mutating func keys(from inputs: [Input]) -> [Key] {
            var keys: [Key] = []
            var plain: [Input] = []
            for input in inputs {
                switch input {
                case .function(Code.pasteBegin):
                    keys += KeyDecoder.keys(from: plain)
                    plain = []
                    pasted = String.UnicodeScalarView()
                case .function(Code.pasteEnd):
                    if let text = pasted { keys.append(.paste(String(text))) }
                    pasted = nil
                case let .character(code) where pasted != nil:
                    guard pasted!.count < Self.maxPasteScalars, let scalar = Unicode.Scalar(code) else { continue }
                    // Terminals send a pasted line break as CR.
                    pasted!.append(scalar == "\r" ? "\n" : scalar)
                case .function(Code.enter) where pasted != nil:
                    pasted!.append("\n")
                case _ where pasted != nil:
                    continue
                default:
                    plain.append(input)
                }
            }
            return keys + KeyDecoder.keys(from: plain)
        }
    }

    private static let escape: UInt32 = 0x1B

    /// The keys of one batch of reads (everything available at once). An Esc immediately
    /// followed by a printable character in the same batch is Alt plus that character, which
    /// is how terminals send Meta; an Esc on its own is Esc.
    static func keys(from inputs: [Input]) -> [Key] {
        var keys: [Key] = []
        var index = 0
        while index < inputs.count {
            if inputs[index] == .character(escape), index + 1 < inputs.count,
               case let .character(next) = inputs[index + 1], let ch = printable(next) {
                keys.append(.alt(ch))
                index += 2
                continue
            }
            if let key = key(for: inputs[index]) { keys.append(key) }
            index += 1
        }
        return keys
    }

    /// The key for one read, or nil for codes the app does not use (mouse, unknown keys).
    static func key(for input: Input) -> Key? {
        switch input {
        case let .character(code): return character(code)
        case let .function(code): return function(code)
        case let .mouse(button, x, y):
            switch button {
            case 1: return .mouse(MouseEvent(.press, x: x, y: y))
            case 4: return .mouse(MouseEvent(.wheelUp, x: x, y: y))
            case 5: return .mouse(MouseEvent(.wheelDown, x: x, y: y))
            default: return nil
            }
        }
    }

    private static func character(_ code: UInt32) -> Key? {
        switch code {
        case 0x09: return .tab
        case 0x0A, 0x0D: return .enter
        case 0x08, 0x7F: return .backspace
        case 0x1B: return .esc
        case 0x01...0x1A:
            // Ctrl-A … Ctrl-Z (Tab, Enter and Ctrl-H are handled above).
            return .ctrl(Character(Unicode.Scalar(UInt8(0x60 + code))))
        default:
            return printable(code).map(Key.char)
        }
    }

    private static func function(_ code: Int32) -> Key? {
        switch code {
        case Code.up: return .up
        case Code.down: return .down
        case Code.left: return .left
        case Code.right: return .right
        case Code.home: return .home
        case Code.end: return .end
        case Code.pageUp: return .pageUp
        case Code.pageDown: return .pageDown
        case Code.backspace: return .backspace
        case Code.delete: return .delete
        case Code.enter: return .enter
        case Code.backTab: return .backTab
        case Code.resize: return .resize
        case (Code.f0 + 1)...(Code.f0 + 24): return .f(Int(code - Code.f0))
        default: return nil
        }
    }

    /// A character a person typed: not a C0/C1 control, DEL or a surrogate.
    private static func printable(_ code: UInt32) -> Character? {
        guard code >= 0x20, code != 0x7F, !(0x80...0x9F).contains(code),
              let scalar = Unicode.Scalar(code) else { return nil }
        return Character(scalar)
    }
}
