@testable import HyphaEngine
@testable import HyphaTUI
import Testing
import Widgets

/// Writes name the versions they replace: what the editor, the delete question and a conflict
/// resolution showed, never what arrived after.
@Suite struct TUIVersionsTests {
    static let mine = Fixtures.detail("notes/tips", "buy milk", writer: 1, index: 4)
    static let mineID = VersionID(writer: Fixtures.writer(1), index: 4)
    /// Another node's edit of `mine`, arrived while the editor was open.
    static let theirs = Fixtures.detail("notes/tips", "buy oat milk", writer: 2, index: 9, name: "desktop")

    static func app() -> AppDriver {
        AppDriver.main(rows: [Fixtures.entry("notes/tips", "buy milk"), Fixtures.entry("notes/zz", "last")])
    }

    @Test func aStaleEditReplacesOnlyWhatTheEditorShowed() throws {
        var app = Self.app()
        app.send(.entryLoaded(key: "notes/tips", detail: Self.mine))
        app.press(.char("e"))
        #expect(app.main?.editor?.replaces == [Self.mineID])
        #expect(!app.screenText().contains("changed on another node"))

        // Another node's edit arrives while the editor is open: the editor says so...
        app.send(.databaseChanged(membership: false))
        app.send(.entryLoaded(key: "notes/tips", detail: Self.theirs))
        #expect(app.screenText().contains("changed on another node: saving keeps both"))
        #expect(app.main?.editor?.value.text == "buy milk")  // the text being edited is not touched

        // ...and saving still names only the version it showed, so both values stay.
        app.press(.ctrl("e"))
        app.type(" and bread")
        #expect(app.press(.ctrl("s")) == [.write([.put(key: "notes/tips", value: Array("buy milk and bread".utf8),
                                                      replaces: [Self.mineID])], .saved(key: "notes/tips"))])
    }

    @Test func editPressedBeforeTheEntryLoadedWaitsForIt() {
        var app = Self.app()
        app.press(.enter)
        #expect(app.main?.editor == nil)
        #expect(app.main?.detail.pending == .edit)
        app.send(.entryLoaded(key: "notes/tips", detail: Self.mine))
        #expect(app.main?.editor?.value.text == "buy milk")
        #expect(app.main?.editor?.replaces == [Self.mineID])
        #expect(app.main?.detail.pending == nil)
    }

    @Test func aWaitingEditIsDroppedWhenTheSelectionMoves() {
        var app = Self.app()
        app.press(.char("e"), .down)
        #expect(app.main?.detail.key == "notes/zz")
        #expect(app.main?.detail.pending == nil)
        app.send(.entryLoaded(key: "notes/zz", detail: Fixtures.detail("notes/zz", "last", writer: 1, index: 5)))
        #expect(app.main?.editor == nil)
    }

    @Test func anEntryThatTurnedIntoAConflictIsNotEditedWhole() {
        // The list still says one value; the detail, newer, shows two.
        var app = Self.app()
        app.send(.entryLoaded(key: "notes/tips", detail: EntryDetail(key: "notes/tips", versions: Self.mine.versions + Self.theirs.versions)))
        app.press(.char("e"))
        #expect(app.main?.editor == nil)
        #expect(app.main?.focus == .detail)
        #expect(app.screenText().contains("has 2 values"))
    }

    @Test func deletingAConflictReplacesEveryVersionShown() throws {
        var app = Self.app()
        let both = EntryDetail(key: "notes/tips", versions: Self.mine.versions + Self.theirs.versions)
        app.press(.char("d"))
        #expect(app.main?.modal == nil)  // waits for the versions
        app.send(.entryLoaded(key: "notes/tips", detail: both))
        let modal = try #require(app.main?.modal)
        #expect(modal.purpose == .delete(key: "notes/tips", replaces: both.versionIDs))
        #expect(app.screenText().contains("replaces all 2 values shown"))
        // A version that arrives while the question is open is not deleted with the others.
        app.send(.entryLoaded(key: "notes/tips", detail: Self.theirs))
        #expect(app.press(.char("y")) == [.write([.delete(key: "notes/tips", replaces: both.versionIDs)], .deleted(key: "notes/tips"))])
    }

    @Test func theDetailPaneShowsEachVersionsID() {
        var app = Self.app()
        app.send(.entryLoaded(key: "notes/tips", detail: EntryDetail(key: "notes/tips", versions: Self.mine.versions + Self.theirs.versions)))
        let text = app.screenText()
        #expect(text.contains("01010101:4"))
        #expect(text.contains("02020202:9"))
    }

    @Test func versionHeadersShortenTheTimeThenTheName() {
        let version = EntryVersion(value: [1], writer: Fixtures.writer(0x6d), writerName: "desktop", timestamp: 1_763_700_000_000, index: 12)
        #expect(EntryText.versionHeader(version, marker: "▶ [1] ", width: 60) == "▶ [1] desktop  6d6d6d6d:12  2025-11-21 04:40 UTC")
        #expect(EntryText.versionHeader(version, marker: "▶ [1] ", width: 44) == "▶ [1] desktop  6d6d6d6d:12  2025-11-21 04:40")
        #expect(EntryText.versionHeader(version, marker: "▶ [1] ", width: 38) == "▶ [1] desktop 6d6d6d6d:12 11-21 04:40")
        #expect(EntryText.versionHeader(version, marker: "▶ [1] ", width: 35) == "▶ [1] desk… 6d6d6d6d:12 11-21 04:40")
        #expect(EntryText.versionHeader(version, marker: "  ", width: 20) == "  desktop 6d6d6d6d:…")
    }
}
