@testable import HyphaTUI
@testable import HyphaEngine
import Testing
import Widgets

/// The main screen driven by scripted keys and engine results, without a terminal.
@Suite struct TUIMainScreenTests {
    static let rows = (0..<30).map { Fixtures.entry(String(format: "notes/%02d", $0), "value \($0)") }

    static func conflictDetail() -> EntryDetail {
        EntryDetail(key: "notes/tips", versions: [
            EntryVersion(value: Array("buy milk".utf8), writer: Fixtures.writer(1), writerName: "laptop",
                         timestamp: 1_763_700_000_000, index: 4),
            EntryVersion(value: Array("buy oat milk".utf8), writer: Fixtures.writer(2), writerName: "desktop",
                         timestamp: 1_763_700_001_000, index: 7),
            EntryVersion(value: nil, writer: Fixtures.writer(3), writerName: "phone", timestamp: 1_763_700_002_000, index: 2),
        ])
    }

    // MARK: Conflicts

    @Test func aConflictIsMarkedInTheList() {
        let app = AppDriver.main(rows: [Fixtures.entry("notes/tips", "buy milk", versions: 3)])
        #expect(app.screenText().contains("⚠ 3 values"))
    }

    static let conflictIDs = conflictDetail().versionIDs

    @Test func choosingAVersionWritesItOverAllOthers() throws {
        var app = AppDriver.main(rows: [Fixtures.entry("notes/tips", "buy milk", versions: 3)])
        #expect(app.main?.detail.key == "notes/tips")
        app.send(.entryLoaded(key: "notes/tips", detail: Self.conflictDetail()))
        #expect(app.screenText().contains("3 values in conflict"))

        app.press(.tab)  // detail pane
        #expect(app.main?.focus == .detail)
        app.press(.down)
        app.press(.enter)
        let modal = try #require(app.main?.modal)
        #expect(modal.dialog.focusedButton == modal.dialog.safeButton)
        #expect(app.screenText().contains("Keep version 2 of 'notes/tips' (from desktop)?"))
        // It replaces exactly the three versions on screen.
        #expect(app.press(.char("y")) == [.write([.put(key: "notes/tips", value: Array("buy oat milk".utf8), replaces: Self.conflictIDs)],
                                                 .resolved(key: "notes/tips"))])
    }

    @Test func choosingTheDeletionDeletes() {
        var app = AppDriver.main(rows: [Fixtures.entry("notes/tips", "buy milk", versions: 3)])
        app.send(.entryLoaded(key: "notes/tips", detail: Self.conflictDetail()))
        app.press(.tab, .end, .char("k"))
        #expect(app.press(.char("y")) == [.write([.delete(key: "notes/tips", replaces: Self.conflictIDs)], .resolved(key: "notes/tips"))])
    }

    @Test func cancellingTheResolutionWritesNothing() {
        var app = AppDriver.main(rows: [Fixtures.entry("notes/tips", "buy milk", versions: 3)])
        app.send(.entryLoaded(key: "notes/tips", detail: Self.conflictDetail()))
        app.press(.tab, .enter)
        #expect(app.press(.enter).isEmpty)  // Enter takes the safe default: Cancel
        #expect(app.main?.modal == nil)
    }

    @Test func editingAVersionReplacesThatVersionOnly() {
        var app = AppDriver.main(rows: [Fixtures.entry("notes/tips", "buy milk", versions: 3)])
        app.send(.entryLoaded(key: "notes/tips", detail: Self.conflictDetail()))
        app.press(.tab, .down, .char("e"))
        #expect(app.main?.editor?.value.text == "buy oat milk")
        app.press(.ctrl("e"))
        app.type(" and bread")
        let edited = VersionID(writer: Fixtures.writer(2), index: 7)
        #expect(app.press(.ctrl("s")) == [.write([.put(key: "notes/tips", value: Array("buy oat milk and bread".utf8), replaces: [edited])],
                                                 .saved(key: "notes/tips"))])
        app.send(.actionDone(ActionResult(kind: .saved(key: "notes/tips"), failure: nil)))
        #expect(app.main?.editor == nil)
        #expect(app.screenText().contains("Saved 'notes/tips'."))
    }

    // MARK: Filtering

    @Test func searchingFollowsEveryKeystrokeAndDropsStaleResults() {
        var app = AppDriver.main(rows: Self.rows)
        app.press(.char("/"))
        let first = app.type("n")
        #expect(first.contains(.search(generation: 2, query: "n", after: nil, scanned: 0)))
        let second = app.type("otes/1")
        #expect(second.contains(.search(generation: 8, query: "notes/1", after: nil, scanned: 0)))
        #expect(app.main?.search?.query == "notes/1")

        // A late answer for "n" is ignored; the answer for "notes/1" shows.
        app.send(.searched(SearchStep(generation: 2, matches: Self.rows, lastKey: nil, scanned: Self.rows.count, done: true)))
        #expect(app.main?.rowCount == 0)
        let matching = Self.rows.filter { $0.key.contains("notes/1") }
        app.send(.searched(SearchStep(generation: 8, matches: matching, lastKey: nil, scanned: Self.rows.count, done: true)))
        #expect(app.main?.rowCount == 10)
        #expect(app.screenText().contains("notes/15"))
        #expect(!app.screenText().contains("notes/25"))

        app.press(.enter)  // keep the search, back to the list
        #expect(app.main?.filter == nil)
        #expect(app.main?.search?.query == "notes/1")
        app.press(.esc)  // clears it
        #expect(app.main?.search == nil)
        #expect(app.commands.contains(.loadPage(generation: 9, prefix: "", page: 0, after: nil)))
    }

    @Test func searchMatchesValuesCaseInsensitively() {
        let needle = SearchState.fold("MiLK")
        #expect(SearchState.matches(Fixtures.entry("notes/tips", "buy milk"), needle: needle))
        #expect(SearchState.matches(Fixtures.entry("MILKY/way", "x"), needle: needle))
        #expect(!SearchState.matches(Fixtures.entry("notes/other", "bread"), needle: needle))
        // The same text in another Unicode form still matches.
        #expect(SearchState.matches(Fixtures.entry("k", "cafe\u{301} crème"), needle: SearchState.fold("CAFÉ")))
        // ASCII text compared byte by byte: at either end, upper case, a partial match before.
        #expect(SearchState.matches(Fixtures.entry("a", "MIMILK"), needle: needle))
        #expect(SearchState.matches(Fixtures.entry("milk", "x"), needle: needle))
        #expect(!SearchState.matches(Fixtures.entry("mil", "k mil"), needle: needle))
        // Lower-casing non-ASCII text may give ASCII (the Kelvin sign is "k"): still found.
        #expect(SearchState.matches(Fixtures.entry("a", "MIL\u{212A}"), needle: needle))
        #expect(SearchState.matches(Fixtures.entry("a", "x"), needle: SearchState.fold("")))
    }

    // MARK: Idle lock

    @Test func idleLockWipesKeysAndDropsDecryptedValues() {
        var app = AppDriver.main(rows: [Fixtures.entry("secret/plan", "the treasure is under the oak")], lockAfter: 2)
        app.send(.entryLoaded(key: "secret/plan", detail: EntryDetail(key: "secret/plan", versions: [
            EntryVersion(value: Array("the treasure is under the oak".utf8), writer: Fixtures.writer(1),
                         writerName: "laptop", timestamp: 0, index: 0),
        ])))
        app.send(.tick(now: 1.0))
        app.press(.down)  // activity at 1.0
        #expect(app.send(.tick(now: 2.9)).allSatisfy { $0 != .lock })
        #expect(app.model.screen.name == "main")
        #expect(app.send(.tick(now: 3.1)).contains(.lock))
        #expect(app.model.screen.name == "unlock")
        #expect(app.unlock?.note == "Locked after 2 seconds without a key press.")
        #expect(!String(describing: app.model).contains("treasure"))
        #expect(!app.screenText().contains("treasure"))
        // Late results for the old screen are ignored.
        app.send(.pageLoaded(PageResult(generation: 1, page: 0, after: nil, rows: [Fixtures.entry("secret/plan", "treasure")])))
        #expect(!String(describing: app.model).contains("treasure"))
    }

    @Test func idleLockDefaultsAndEnvironment() {
        #expect(IdleLock.seconds(configMinutes: nil, environment: [:]) == 900)
        #expect(IdleLock.seconds(configMinutes: 5, environment: [:]) == 300)
        #expect(IdleLock.seconds(configMinutes: 5, environment: ["HYPHA_LOCK_AFTER_SECONDS": "2"]) == 2)
        #expect(IdleLock.seconds(configMinutes: nil, environment: ["HYPHA_LOCK_AFTER_SECONDS": "junk"]) == 900)
    }

    // MARK: Browsing, editing, deleting

    @Test func movingTheSelectionLoadsTheDetailAndPagesOnDemand() {
        var rows: [EntrySummary] = []
        for i in 0..<1000 { rows.append(Fixtures.entry(String(format: "k%04d", i), "v\(i)")) }
        var app = AppDriver(size: Size(width: 80, height: 24))
        app.send(.nodeOpened(AppDriver.summary()))
        app.send(.unlocked(UnlockedNode(summary: AppDriver.summary(), deviceKey: AppDriver.deviceKey, writable: true)))
        app.send(.pageLoaded(PageResult(generation: 1, page: 0, after: nil, rows: Array(rows.prefix(256)))))
        app.send(.counted(generation: 1, prefix: "", count: 1000))
        // End before the scan reached the last page: the row shows as loading.
        app.clearCommands()
        app.press(.end)
        #expect(app.main?.list.selected == 999)
        #expect(app.commands.allSatisfy { if case .loadPage = $0 { return false } else { return true } })
        #expect(app.main?.selectedEntry == nil)
        // The scan finds the anchors; the last page is asked for after "k0767".
        let scan = app.send(.keysScanned(KeyScan(generation: 1, scanGeneration: 0,
                                                 anchors: EntriesIndex.anchors(in: rows.map(\.key), scannedBefore: 0),
                                                 lastKey: "k0999", scanned: 1000, done: true)))
        #expect(scan.contains(.loadPage(generation: 1, prefix: "", page: 3, after: "k0767")))
        app.send(.pageLoaded(PageResult(generation: 1, page: 3, after: "k0767", rows: Array(rows[768...]))))
        #expect(app.main?.selectedEntry?.key == "k0999")
        #expect(app.commands.contains(.loadEntry("k0999")))
        #expect(app.screenText().contains("1,000 of 1,000"))
    }

    @Test func deleteAsksFirstWithCancelAsTheDefault() throws {
        var app = AppDriver.main(rows: Self.rows)
        app.press(.down)
        app.send(.entryLoaded(key: "notes/01", detail: Fixtures.detail("notes/01", "value 1", writer: 1, index: 3)))
        app.press(.char("d"))
        let modal = try #require(app.main?.modal)
        #expect(modal.dialog.buttons[modal.dialog.focusedButton].label == "Cancel")
        #expect(app.press(.enter).isEmpty)
        app.press(.char("d"))
        #expect(app.press(.char("y")) == [.write([.delete(key: "notes/01", replaces: [VersionID(writer: Fixtures.writer(1), index: 3)])],
                                                 .deleted(key: "notes/01"))])
    }

    @Test func addingAnEntry() {
        var app = AppDriver.main(rows: Self.rows)
        app.press(.char("a"))
        app.type("todo/today")
        app.press(.tab)
        app.type("first")
        app.press(.enter)
        app.type("second")
        // A new entry replaces nothing: if the key exists elsewhere, both values stay.
        #expect(app.press(.ctrl("s")) == [.write([.put(key: "todo/today", value: Array("first\nsecond".utf8), replaces: [])],
                                                 .saved(key: "todo/today"))])
        // A failed save keeps the editor open with the text.
        app.send(.actionDone(ActionResult(kind: .saved(key: "todo/today"), failure: "disk full")))
        #expect(app.main?.editor?.value.text == "first\nsecond")
        #expect(app.screenText().contains("disk full"))
    }

    @Test func leavingAnEditWithChangesAsks() throws {
        var app = AppDriver.main(rows: Self.rows)
        app.send(.entryLoaded(key: "notes/00", detail: Fixtures.detail("notes/00", "value 0", writer: 1, index: 0)))
        app.press(.enter)
        #expect(app.main?.editor?.value.text == "value 0")
        app.type("!")
        app.press(.esc)
        let modal = try #require(app.main?.modal)
        #expect(modal.purpose == .discardEdit)
        app.press(.enter)  // Keep editing
        #expect(app.main?.editor != nil)
        app.press(.esc, .char("y"))
        #expect(app.main?.editor == nil)
    }

    @Test func quitAsksNothingOutsideAnEdit() {
        var app = AppDriver.main(rows: Self.rows)
        #expect(app.press(.char("q")) == [.quit])
    }

    @Test func liveChangesReloadWhatIsVisible() {
        var app = AppDriver.main(rows: Self.rows)
        let commands = app.send(.databaseChanged(membership: true))
        #expect(commands.contains(.loadPage(generation: 1, prefix: "", page: 0, after: nil)))
        #expect(commands.contains(.count(generation: 1, prefix: "")))
        #expect(commands.contains(.loadEntry("notes/00")))
        #expect(commands.contains(.loadNodes))
        // The stale page stays on screen until the reload arrives.
        #expect(app.screenText().contains("value 0"))
        var changed = Self.rows
        changed[0] = Fixtures.entry("notes/00", "changed elsewhere")
        app.send(.pageLoaded(PageResult(generation: 1, page: 0, after: nil, rows: changed)))
        #expect(app.screenText().contains("changed elsewhere"))
    }

    @Test func readOnlyNodesCannotEdit() {
        var app = AppDriver.main(rows: Self.rows)
        app.send(.nodesLoaded([], writable: false))
        #expect(app.press(.char("a")).isEmpty)
        #expect(app.main?.editor == nil)
        #expect(app.screenText().contains("read-only"))
    }

    @Test func revokeAsksAndRefusesThisNode() throws {
        var app = AppDriver.main(rows: [])
        app.send(.nodesLoaded([
            NodeRow(name: "laptop", key: AppDriver.deviceKey, status: .authorised, isThisNode: true, requestID: nil),
            NodeRow(name: "desktop", key: String(repeating: "ab", count: 32), status: .authorised, isThisNode: false, requestID: nil),
        ], writable: true))
        app.press(.tab, .tab, .tab)
        #expect(app.main?.focus == .nodes)
        app.press(.char("r"))
        #expect(app.main?.modal == nil)
        #expect(app.screenText().contains("cannot revoke itself"))
        app.press(.down, .char("r"))
        let modal = try #require(app.main?.modal)
        #expect(modal.dialog.buttons[modal.dialog.focusedButton].label == "Cancel")
        #expect(app.press(.char("y")) == [.revoke(writer: String(repeating: "ab", count: 32), name: "desktop")])
    }

    @Test func helpOpensAndCloses() {
        var app = AppDriver.main(rows: Self.rows)
        app.press(.char("?"))
        #expect(app.screenText().contains("search keys and values"))
        app.press(.esc)
        #expect(app.main?.help == nil)
    }
}
