import Foundation
@testable import HyphaTUI
import Testing
import Widgets

/// The real ncurses backend drawing into a headless screen (`newterm` on /dev/null), read
/// back cell by cell; and the inbox that brings results to the main queue.
@Suite(.serialized) struct TUITerminalTests {
    @MainActor
    @Test func framesReachNcursesWithWideGlyphsAndAccents() throws {
        let terminal = try NcursesTerminal.headless(size: Size(width: 30, height: 4))
        defer { terminal.end() }
        #expect(terminal.size == Size(width: 30, height: 4))
        var buffer = Buffer(width: 30, height: 4)
        buffer.put("Jørgen 作者 café", x: 0, y: 0, style: Theme.standard[.selection])
        buffer.put("┌─ Entries ─┐", x: 2, y: 1, style: Theme.standard[.borderFocused])
        buffer.put("e\u{301}t\u{E9}", x: 0, y: 2)
        terminal.draw(buffer)
        #expect(terminal.readBack(row: 0) == "Jørgen 作者 café" + String(repeating: " ", count: 14))
        #expect(terminal.readBack(row: 1) == "  ┌─ Entries ─┐" + String(repeating: " ", count: 15))
        #expect(terminal.readBack(row: 2).hasPrefix("e\u{301}té "))

        // A later frame writes only what changed, and the screen matches it exactly.
        buffer.put("Jorge", x: 0, y: 0)
        buffer.put("  ", x: 7, y: 0)  // blanks 作 (both halves); 者 stays
        terminal.draw(buffer)
        #expect(terminal.readBack(row: 0) == "Jorgen   者 café" + String(repeating: " ", count: 14))
    }

    @Test func withoutATerminalTheAppRefusesWithOneLine() throws {
        let dir = TemporaryDirectory()
        let result = try HyphaProcess.run(["--data-dir", dir.path("node")], stdin: "q")
        #expect(result.status == 1)
        #expect(result.stderr == "hypha: the full-screen app needs a terminal (stdin and stdout must be a tty)\n")
        #expect(!FileManager.default.fileExists(atPath: dir.path("node")))
    }

    @Test func inboxCollapsesChangeNoticesToTheLastPlace() {
        let page = Message.pageLoaded(PageResult(generation: 1, page: 0, after: nil, rows: []))
        let out = Inbox.coalesce([.databaseChanged(membership: true), page, .databaseChanged(membership: false), .tick(now: 1)])
        #expect(out.count == 3)
        guard out.count == 3, case .pageLoaded = out[0], case let .databaseChanged(membership) = out[1], case .tick = out[2] else {
            Issue.record("unexpected order \(out)")
            return
        }
        #expect(membership)
    }
}
