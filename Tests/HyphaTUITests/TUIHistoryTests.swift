@testable import HyphaEngine
@testable import HyphaTUI
import Testing
import Widgets

/// The history view (h) and the deleted entries (D): what the keys do to the model, the
/// commands they emit (loads, the restore write naming the current versions) and the lane graph.
@Suite struct TUIHistoryTests {
    static let start: UInt64 = 1_763_700_000_000

    static func version(_ writer: UInt8, _ index: UInt64, _ value: String?, minute: UInt64, name: String) -> EntryVersion {
        EntryVersion(value: value.map { Array($0.utf8) }, writer: Fixtures.writer(writer), writerName: name,
                     timestamp: start + minute * 60_000, index: index)
    }

    static func id(_ writer: UInt8, _ index: UInt64) -> VersionID { VersionID(writer: Fixtures.writer(writer), index: index) }

    /// notes/tips, oldest first: a value, two concurrent edits of it (laptop, desktop), a version
    /// that joined them, then a deletion (current).
    static let history: [HistoryVersion] = [
        HistoryVersion(version: version(1, 2, "buy milk", minute: 0, name: "laptop"), isCurrent: false, follows: []),
        HistoryVersion(version: version(1, 4, "buy milk and bread", minute: 1, name: "laptop"), isCurrent: false,
                       follows: [id(1, 2)]),
        HistoryVersion(version: version(2, 7, "buy oat milk", minute: 2, name: "desktop"), isCurrent: false,
                       follows: [id(1, 2)]),
        HistoryVersion(version: version(1, 6, "buy oat milk and bread", minute: 3, name: "laptop"), isCurrent: false,
                       follows: [id(1, 4), id(2, 7)]),
        HistoryVersion(version: version(2, 9, nil, minute: 4, name: "desktop"), isCurrent: true, follows: [id(1, 6)]),
    ]

    static func app() -> AppDriver {
        var app = AppDriver.main(rows: [Fixtures.entry("notes/tips", "buy milk"), Fixtures.entry("notes/zz", "last")])
        app.send(.entryLoaded(key: "notes/tips", detail: Fixtures.detail("notes/tips", "buy milk", writer: 1, index: 4)))
        return app
    }

    static func withHistory() -> AppDriver {
        var app = app()
        app.press(.char("h"))
        app.send(.historyLoaded(key: "notes/tips", versions: history))
        return app
    }

    @Test func theGraphShowsBranchesAndWhereTheyMeet() {
        let newestFirst = Array(Self.history.reversed())
        #expect(HistoryGraph.lanes(newestFirst) == ["×  ", "●─┐", "│ ●", "● │", "●─┘"])
        // A straight line of versions is one lane.
        let line = [Self.history[1], Self.history[0]]
        #expect(HistoryGraph.lanes(line) == ["●", "●"])
        // Two current versions (a conflict nothing resolved yet) start in two lanes.
        let conflict = [HistoryVersion(version: Self.version(2, 7, "b", minute: 2, name: "desktop"), isCurrent: true, follows: [Self.id(1, 2)]),
                        HistoryVersion(version: Self.version(1, 4, "a", minute: 1, name: "laptop"), isCurrent: true, follows: [Self.id(1, 2)]),
                        Self.history[0]]
        #expect(HistoryGraph.lanes(conflict) == ["●  ", "│ ●", "●─┘"])
    }

    @Test func hLoadsTheHistoryOfTheSelectedEntryInTheBackground() {
        var app = Self.app()
        #expect(app.press(.char("h")) == [.loadHistory("notes/tips")])
        #expect(app.screenText().contains("History of 'notes/tips'"))
        #expect(app.screenText().contains("Loading…"))
        app.send(.historyLoaded(key: "notes/tips", versions: Self.history))
        #expect(app.main?.history?.rows?.map(\.item.version.id) == Self.history.reversed().map(\.version.id))
        #expect(app.main?.history?.list.selected == 0)
        // A history for another key (a late answer) is dropped.
        app.send(.historyLoaded(key: "notes/zz", versions: []))
        #expect(app.main?.history?.rowCount == 5)
        // A change reloads it; the selection stays on its version.
        app.press(.down, .down)
        let commands = app.send(.databaseChanged(membership: false))
        #expect(commands.contains(.loadHistory("notes/tips")))
        app.send(.historyLoaded(key: "notes/tips", versions: Self.history + [
            HistoryVersion(version: Self.version(1, 8, "new", minute: 5, name: "laptop"), isCurrent: true, follows: [Self.id(2, 9)]),
        ]))
        #expect(app.main?.history?.selected?.item.version.id == Self.id(2, 7))
    }

    @Test func escQAndCtrlCCloseTheHistoryAndNeverQuit() {
        for key in [Key.esc, .char("q"), .ctrl("c")] {
            var app = Self.withHistory()
            app.press(key)
            #expect(app.main?.history == nil)
            #expect(!app.model.isQuitting)
        }
    }

    @Test func restoringAnOldVersionAsksAndKeepIsTheDefault() throws {
        var app = Self.withHistory()
        app.press(.down, .down)  // desktop's "buy oat milk"
        #expect(app.press(.char("r")).isEmpty)
        let modal = try #require(app.main?.modal)
        #expect(modal.dialog.title == "Restore version?")
        #expect(modal.dialog.buttons.map(\.label) == ["Keep", "Restore"])
        #expect(app.screenText().contains("Make version 02020202:7 (desktop, 2025-11-21 04:42 UTC)"))
        // Enter takes the default: nothing is written.
        #expect(app.press(.enter).isEmpty)
        #expect(app.main?.modal == nil)
        #expect(app.main?.history != nil)

        app.press(.char("r"))
        let write = app.press(.char("y"))
        #expect(write == [.write([.put(key: "notes/tips", value: Array("buy oat milk".utf8), replaces: [Self.id(2, 9)])],
                                 .restored(key: "notes/tips", version: "02020202:7", deletion: false))])
        app.send(.actionDone(ActionResult(kind: .restored(key: "notes/tips", version: "02020202:7", deletion: false), failure: nil)))
        #expect(app.screen().last?.contains("Restored version 02020202:7 of 'notes/tips'.") == true)
    }

    @Test func restoringADeletionDeletesAndTheCurrentVersionIsNotRestored() {
        var app = Self.withHistory()
        // The current version alone: nothing to do.
        app.press(.char("r"))
        #expect(app.main?.modal == nil)
        #expect(app.screen().last?.contains("already the current state") == true)

        // A deletion that is not current (the key has a value now): restoring it deletes.
        let current = HistoryVersion(version: Self.version(1, 8, "again", minute: 5, name: "laptop"), isCurrent: true,
                                     follows: [Self.id(2, 9)])
        var old = Self.history
        old[4].isCurrent = false
        app.send(.historyLoaded(key: "notes/tips", versions: old + [current]))
        app.press(.home, .down)
        app.press(.char("r"))
        #expect(app.screenText().contains("Restore the deletion 02020202:9"))
        #expect(app.press(.char("y")) == [.write([.delete(key: "notes/tips", replaces: [Self.id(1, 8)])],
                                                 .restored(key: "notes/tips", version: "02020202:9", deletion: true))])
    }

    @Test func aReadOnlyNodeCannotRestore() {
        var app = Self.withHistory()
        app.send(.nodesLoaded([], writable: false))
        app.press(.down, .char("r"))
        #expect(app.main?.modal == nil)
        #expect(app.screen().last?.contains("read-only") == true)
    }

    @Test func dListsTheDeletedEntriesAndEnterOpensAHistory() {
        var app = Self.app()
        let toggle = app.press(.char("D"))
        #expect(toggle == [.loadDeleted(generation: 2, after: nil)])
        #expect(app.screenText().contains("Deleted entries"))
        app.send(.deletedLoaded(DeletedStep(generation: 2, keys: ["gone/a", "gone/b"], done: true)))
        #expect(app.main?.rowCount == 2)
        #expect(app.main?.selectedEntry?.key == "gone/a")
        #expect(app.screenText().contains("(deleted)"))
        // A late chunk of another generation is dropped.
        app.send(.deletedLoaded(DeletedStep(generation: 1, keys: ["old"], done: true)))
        #expect(app.main?.rowCount == 2)
        // d has nothing to delete; Enter opens the history.
        #expect(app.press(.char("d")).isEmpty)
        #expect(app.main?.modal == nil)
        app.press(.down)
        #expect(app.press(.enter).contains(.loadHistory("gone/b")))
        app.press(.esc)
        // A change reads the keys again (a restored key leaves the list).
        #expect(app.send(.databaseChanged(membership: false)).contains(.loadDeleted(generation: 3, after: nil)))
        app.send(.deletedLoaded(DeletedStep(generation: 3, keys: ["gone/a"], done: true)))
        #expect(app.main?.rowCount == 1)
        // `/` filters the deleted keys by key; Esc clears it, then leaves the deleted list.
        app.press(.char("/"))
        app.type("zz")
        #expect(app.main?.rowCount == 0)
        #expect(app.screenText().contains("No deleted key contains this."))
        app.press(.esc)
        #expect(app.main?.rowCount == 1)
        let back = app.press(.esc)
        #expect(app.main?.deleted == nil)
        #expect(back.contains(.loadPage(generation: 4, prefix: "", page: 0, after: nil)))
        #expect(app.screenText().contains("┌─ Entries ─"))
    }

    @Test func dAgainShowsTheLiveEntriesAndStopsASearch() {
        var app = Self.app()
        app.press(.char("/"))
        app.type("milk")
        app.press(.enter)
        #expect(app.main?.search != nil)
        app.press(.char("D"))
        #expect(app.main?.search == nil)
        #expect(app.main?.deleted != nil)
        let back = app.press(.char("D"))
        #expect(app.main?.deleted == nil)
        #expect(back.contains { if case .loadPage = $0 { return true } else { return false } })
    }
}
