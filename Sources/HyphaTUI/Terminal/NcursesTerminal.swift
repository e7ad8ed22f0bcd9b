@preconcurrency import CNcursesw
import Foundation
import HyphaEngine
import Widgets

/// The one place that calls ncurses. It copies a Widgets `Buffer` to the screen and reads
/// keys; both must happen on the same serial context (the main queue), because `wget_wch`
/// refreshes the window before it reads.
@MainActor
final class NcursesTerminal {
    enum StartError: UserFacingError {
        case notATerminal
        case cannotInitialise(String)

        var description: String {
            switch self {
            case .notATerminal: return "the full-screen app needs a terminal (stdin and stdout must be a tty)"
            case let .cannotInitialise(why): return "cannot start the terminal: \(why)"
            }
        }
    }

    /// The theme the terminal can show: colours, or monochrome without colours or with NO_COLOR.
    let theme: Theme
    private let window: UnsafeMutablePointer<WINDOW>
    private let screen: OpaquePointer?
    private let headlessFiles: [UnsafeMutablePointer<FILE>]
    private var pairs: [PairKey: Int16] = [:]
    private let colourCount: Int
    private let usesColour: Bool
    /// What is on the screen now, so a frame only writes the cells that changed.
    private var shown: Buffer?
    private var cursorVisible = false
    private(set) var isActive = true

    private struct PairKey: Hashable {
        var foreground: Int
        var background: Int
    }

    // MARK: Start and stop

    /// Takes over the controlling terminal (stdin/stdout).
    static func start(environment: [String: String] = ProcessInfo.processInfo.environment) throws -> NcursesTerminal {
        guard isatty(STDIN_FILENO) == 1, isatty(STDOUT_FILENO) == 1 else { throw StartError.notATerminal }
        prepareLocale()
        guard let window = initscr() else { throw StartError.cannotInitialise("initscr failed (is TERM set?)") }
        let terminal = NcursesTerminal(window: window, screen: nil, files: [], environment: environment)
        disableFlowControl()
        // Pasted text arrives between ESC[200~ and ESC[201~ (bracketed paste), so it is
        // inserted as text and never run as keys; clicks and the wheel arrive as KEY_MOUSE.
        mousemask(hy_mouse_mask(), nil)
        mouseinterval(0)
        writeControl(bracketedPasteOn)
        // Whatever ends the process from here leaves the shell usable: crash signals and exit.
        hy_install_crash_handlers()
        atexit {
            if !isendwin() {
                // Bracketed paste off (ESC[?2004l), then the shell's own terminal settings.
                var off: [UInt8] = [0x1B, 0x5B, 0x3F, 0x32, 0x30, 0x30, 0x34, 0x6C]
                _ = write(STDOUT_FILENO, &off, off.count)
                endwin()
            }
        }
        return terminal
    }

    /// A terminal drawing into ncurses' virtual screen with the output thrown away
    /// (`newterm` on /dev/null): for the benchmark and for read-back tests.
    static func headless(size: Size, type: String = "xterm-256color") throws -> NcursesTerminal {
        prepareLocale()
        guard let output = fopen("/dev/null", "w"), let input = fopen("/dev/null", "r") else {
            throw StartError.cannotInitialise("cannot open /dev/null")
        }
        guard let screen = newterm(type, output, input), let window = hy_stdscr() else {
            fclose(output); fclose(input)
            throw StartError.cannotInitialise("newterm(\(type)) failed")
        }
        let terminal = NcursesTerminal(window: window, screen: screen, files: [output, input], environment: [:])
        resizeterm(Int32(size.height), Int32(size.width))
        return terminal
    }

    private init(window: UnsafeMutablePointer<WINDOW>, screen: OpaquePointer?, files: [UnsafeMutablePointer<FILE>],
                 environment: [String: String]) {
        self.window = window
        self.screen = screen
        self.headlessFiles = files
        cbreak()
        noecho()
        nonl()
        intrflush(window, false)
        keypad(window, true)
        nodelay(window, true)
        set_escdelay(25)
        curs_set(0)
        let noColour = !(environment["NO_COLOR"] ?? "").isEmpty
        if has_colors() && !noColour {
            start_color()
            use_default_colors()
            usesColour = true
            colourCount = Int(hy_colors())
            theme = .standard
        } else {
            usesColour = false
            colourCount = 0
            theme = .monochrome
        }
        // Shift-Tab where terminfo lacks it.
        define_key("\u{1B}[Z", KEY_BTAB)
        // Bracketed paste: the start and end markers as key codes of their own.
        define_key("\u{1B}[200~", KeyDecoder.Code.pasteBegin)
        define_key("\u{1B}[201~", KeyDecoder.Code.pasteEnd)
    }

    /// `setlocale(LC_ALL, "")`, falling back to C.UTF-8 when the codeset is not UTF-8: without a
    /// UTF-8 locale ncurses drops every non-ASCII glyph (borders, accents, CJK).
    static func prepareLocale() {
        setlocale(LC_ALL, "")
        _ = UTF8Locale.ensure()
    }

    /// Ctrl-S/Ctrl-Q reach the app instead of pausing output (IXON), and Ctrl-C arrives as a
    /// key (ISIG off) rather than as SIGINT to the whole process group, so the app decides what
    /// it means (Esc in the editor, quit when browsing). The mode is saved as curses' program
    /// mode; endwin restores the shell's own settings.
    private static func disableFlowControl() {
        var modes = termios()
        guard tcgetattr(STDIN_FILENO, &modes) == 0 else { return }
        modes.c_iflag &= ~tcflag_t(IXON)
        modes.c_lflag &= ~tcflag_t(ISIG)
        _ = tcsetattr(STDIN_FILENO, TCSANOW, &modes)
        def_prog_mode()
    }

    static let bracketedPasteOn = "\u{1B}[?2004h"
    static let bracketedPasteOff = "\u{1B}[?2004l"

    /// Writes a control sequence straight to the terminal (outside ncurses' screen model).
    private static func writeControl(_ sequence: String) {
        guard isatty(STDOUT_FILENO) == 1 else { return }
        var bytes = Array(sequence.utf8)
        _ = write(STDOUT_FILENO, &bytes, bytes.count)
    }

    /// Leaves curses mode and restores the terminal. Safe to call more than once.
    func end() {
        guard isActive else { return }
        isActive = false
        curs_set(1)
        if screen == nil { Self.writeControl(Self.bracketedPasteOff) }
        endwin()
        if let screen {
            delscreen(screen)
            for file in headlessFiles { fclose(file) }
        }
    }

    // MARK: Size

    /// The screen size ncurses uses now.
    var size: Size {
        Size(width: Int(getmaxx(window)), height: Int(getmaxy(window)))
    }

    /// Reads the size from the kernel and tells ncurses (after SIGWINCH). Returns the new size.
    @discardableResult
    func refreshSize() -> Size {
        var rows: Int32 = 0, cols: Int32 = 0
        if hy_window_size(STDOUT_FILENO, &rows, &cols) == 0 {
            resize(to: Size(width: Int(cols), height: Int(rows)))
        }
        return size
    }

    /// Resizes ncurses' screen; the next frame is drawn whole.
    func resize(to newSize: Size) {
        resizeterm(Int32(newSize.height), Int32(newSize.width))
        shown = nil
    }

    // MARK: Input

    /// Every read available now (never blocks: the window is in no-delay mode).
    func readInputs(limit: Int = 4096) -> [KeyDecoder.Input] {
        var inputs: [KeyDecoder.Input] = []
        var code: wint_t = 0
        while inputs.count < limit {
            let status = wget_wch(window, &code)
            guard var input = KeyDecoder.Input(status: status, code: UInt32(code)) else { break }
            if input == .function(KeyDecoder.Code.mouse) {
                var x: Int32 = 0, y: Int32 = 0
                let button = hy_get_mouse(&x, &y)
                input = .mouse(button: button, x: Int(x), y: Int(y))
            }
            inputs.append(input)
        }
        return inputs
    }

    // MARK: Output

    /// Copies `buffer` to the screen: only cells that differ from the last frame, skipping the
    /// continuation halves of wide glyphs; then places the cursor and updates the terminal.
    func draw(_ buffer: Buffer) {
        guard isActive else { return }
        let full = shown?.size != buffer.size
        if full { werase(window) }
        for y in 0..<buffer.height {
            for x in 0..<buffer.width {
                let cell = buffer[x, y]
                guard !cell.isContinuation else { continue }
                if !full, let shown, shown[x, y] == cell { continue }
                put(cell, x: x, y: y)
            }
        }
        shown = buffer
        placeCursor(buffer.cursor, size: buffer.size)
        wnoutrefresh(window)
        doupdate()
    }

    /// The glyphs ncurses holds at row `y` (its virtual screen), for read-back tests: wide
    /// glyphs once, combining marks kept.
    func readBack(row y: Int) -> String {
        var text = ""
        var x = 0
        let width = size.width
        while x < width {
            var cell = cchar_t()
            guard mvwin_wch(window, Int32(y), Int32(x), &cell) != ERR else { break }
            var chars = [wchar_t](repeating: 0, count: 8)
            var attributes: attr_t = 0
            var pair: Int16 = 0
            _ = getcchar(&cell, &chars, &attributes, &pair, nil)
            let scalars = chars.prefix { $0 != 0 }.compactMap { Unicode.Scalar(UInt32(bitPattern: $0)) }
            let glyph = String(String.UnicodeScalarView(scalars))
            text += glyph.isEmpty ? " " : glyph
            x += max(1, glyph.isEmpty ? 1 : TextWidth.of(glyph))
        }
        return text
    }

    private func put(_ cell: Cell, x: Int, y: Int) {
        let glyph = cell.glyph ?? " "
        var wide = glyph.unicodeScalars.prefix(5).map { wchar_t(bitPattern: $0.value) }
        wide.append(0)
        var complex = cchar_t()
        let (attributes, pair) = rendition(of: cell.style)
        _ = setcchar(&complex, wide, attributes, pair, nil)
        _ = mvwadd_wch(window, Int32(y), Int32(x), &complex)
    }

    private func placeCursor(_ cursor: Position?, size: Size) {
        if let cursor, cursor.x >= 0, cursor.y >= 0, cursor.x < size.width, cursor.y < size.height {
            wmove(window, Int32(cursor.y), Int32(cursor.x))
            if !cursorVisible { curs_set(1); cursorVisible = true }
        } else if cursorVisible {
            curs_set(0)
            cursorVisible = false
        }
    }

    /// ncurses attributes and colour pair for a style.
    private func rendition(of style: Style) -> (attr_t, Int16) {
        var attributes = hy_a_normal()
        if style.isBold { attributes |= hy_a_bold() }
        if style.isDim { attributes |= hy_a_dim() }
        if style.isReverse { attributes |= hy_a_reverse() }
        if style.isUnderline { attributes |= hy_a_underline() }
        if style.isItalic { attributes |= hy_a_italic() }
        guard usesColour else { return (attributes, 0) }
        var foreground = style.foreground.paletteIndex
        var background = style.background.paletteIndex
        // Terminals with 8 colours show bright colours as bold base colours.
        if colourCount < 16 {
            if foreground >= 8 && foreground < 16 { foreground -= 8; attributes |= hy_a_bold() }
            if background >= 8 && background < 16 { background -= 8 }
        }
        if foreground >= colourCount { foreground = -1 }
        if background >= colourCount { background = -1 }
        return (attributes, pair(foreground: foreground, background: background))
    }

    private func pair(foreground: Int, background: Int) -> Int16 {
        if foreground == -1 && background == -1 { return 0 }
        let key = PairKey(foreground: foreground, background: background)
        if let cached = pairs[key] { return cached }
        let allocated = alloc_pair(Int32(foreground), Int32(background))
        let pair = allocated > 0 && allocated <= Int32(Int16.max) ? Int16(allocated) : 0
        pairs[key] = pair
        return pair
    }
}
