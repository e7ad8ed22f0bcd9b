@preconcurrency import CNcursesw
import Foundation

/// A minimal ncurses screen proving the terminal path works; replaced by the app.
enum PlaceholderScreen {
    static func run(dataDirectory: URL) {
        setlocale(LC_ALL, "")
        guard let window = initscr() else { return }
        defer { endwin() }
        cbreak(); noecho(); keypad(window, true); curs_set(0)
        let lines = ["Hypha", "", "Data directory: \(dataDirectory.path)", "", "Press q to quit."]
        for (row, text) in lines.enumerated() {
            var wide = text.unicodeScalars.map { wchar_t(bitPattern: $0.value) } + [0]
            _ = mvwaddwstr(window, Int32(row + 1), 2, &wide)
        }
        wrefresh(window)
        var ch: wint_t = 0
        while wget_wch(window, &ch) != ERR {
            if ch == wint_t(UInt8(ascii: "q")) { break }
        }
    }
}
