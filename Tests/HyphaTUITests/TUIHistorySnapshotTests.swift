@testable import HyphaEngine
@testable import HyphaTUI
import Testing
import Widgets

/// The history view and the deleted entries at 80×24, drawn by the real view.
@Suite struct TUIHistorySnapshotTests {
    @Test func theHistoryOfAnEntryWithBranches() {
        var app = TUIHistoryTests.withHistory()
        app.press(.down, .down, .down)  // laptop's "buy milk and bread", concurrent with desktop's
        expectScreen(app.screen(), """
         hypha 6d583418… · example.org · laptop · writable                    starting…
        ┌─ History of 'notes/tips' ────────────────────────────────────────────────────┐
        │  ×   02020202:9  desktop  11-21 04:44  current  (deleted)                    │
        │  ●─┐ 01010101:6  laptop   11-21 04:43           buy oat milk and bread       │
        │  │ ● 02020202:7  desktop  11-21 04:42           buy oat milk                 │
        │▶ ● │ 01010101:4  laptop   11-21 04:41           buy milk and bread           │
        │  ●─┘ 01010101:2  laptop   11-21 04:40           buy milk                     │
        │                                                                              │
        │                                                                              │
        │                                                                              │
        │                                                                              │
        │                                                                              │
        │                                                                              │
        │                                                                              │
        │                                                                              │
        │                                                                              │
        │──────────────────────────────────────────────────────────────────────────────│
        │01010101:4 by laptop, 2025-11-21 04:41 UTC                                    │
        │after 01010101:2                                                              │
        │buy milk and bread                                                            │
        │                                                                              │
        │                                                                              │
        └───────────────────────────────────────────────────────────────────── 4 of 5 ─┘
        ↑↓ version  r restore  Esc close  ? help
        """, "history")
        let buffer = App.view(app.model, size: app.model.size, theme: .standard)
        #expect(buffer[3, 2].style == Theme.standard[.success])  // the current version's lane
    }

    @Test func theRestoreQuestionOverTheHistory() {
        var app = TUIHistoryTests.withHistory()
        app.press(.down, .down, .char("r"))
        expectScreen(app.screen(), """
         hypha 6d583418… · example.org · laptop · writable                    starting…
        ┌─ History of 'notes/tips' ────────────────────────────────────────────────────┐
        │  ×   02020202:9  desktop  11-21 04:44  current  (deleted)                    │
        │  ●─┐ 01010101:6  laptop   11-21 04:43           buy oat milk and bread       │
        │▶ │ ● 02020202:7  desktop  11-21 04:42           buy oat milk                 │
        │  ● │ 01010101:4  laptop   11-21 04:41           buy milk and bread           │
        │  ●─┘ 01010101:2  laptop   11-21 04:40           buy milk                     │
        │         ┌─ Restore version? ───────────────────────────────────────┐         │
        │         │                                                          │         │
        │         │ Make version 02020202:7 (desktop, 2025-11-21 04:42 UTC)  │         │
        │         │ the value of 'notes/tips' again?                         │         │
        │         │ This replaces its deletion on every node; the history    │         │
        │         │ keeps every version.                                     │         │
        │         │                                                          │         │
        │         │              [ Keep (n) ]  [ Restore (y) ]               │         │
        │         └──────────────────────────────────────────────────────────┘         │
        │──────────────────────────────────────────────────────────────────────────────│
        │02020202:7 by desktop, 2025-11-21 04:42 UTC                                   │
        │after 01010101:2                                                              │
        │buy oat milk                                                                  │
        │                                                                              │
        │                                                                              │
        └───────────────────────────────────────────────────────────────────── 3 of 5 ─┘
        Enter choose  Esc cancel  Tab switch button
        """, "restore")
    }

    @Test func theDeletedEntries() {
        var app = TUIScreenSnapshotTests.mainScreen()
        app.press(.char("D"))
        let generation = app.main?.deleted?.generation ?? 0
        app.send(.deletedLoaded(DeletedStep(generation: generation, keys: ["notes/old", "people/Jørgen", "recipes/crème brûlée"],
                                            done: true)))
        app.send(.entryLoaded(key: "notes/old", detail: EntryDetail(key: "notes/old", versions: [
            EntryVersion(value: nil, writer: Fixtures.writer(2), writerName: "desktop", timestamp: TUIHistoryTests.start, index: 12),
        ])))
        expectScreen(app.screen(), """
         hypha 6d583418… · example.org · laptop · writable                   local only
        ┌─ Deleted entries ────────────────────┐┌─ Detail ─────────────────────────────┐
        │  Key             Value               ││notes/old                             │
        │▶ notes/old       (deleted)           ││  desk…  02020202:12  2025-11-21 04:40│
        │  people/Jørgen   (deleted)           ││  (deleted)                           │
        │  recipes/crème…  (deleted)           ││                                      │
        │                                      ││                                      │
        │                                      ││                                      │
        │                                      ││                                      │
        │                                      │└──────────────────────────────────────┘
        │                                      │┌─ Peers ──────────────────────────────┐
        │                                      ││No peers: this node runs locally.     │
        │                                      ││                                      │
        │                                      ││                                      │
        │                                      ││                                      │
        │                                      │└──────────────────────────────────────┘
        │                                      │┌─ Nodes ──────────────────────────────┐
        │                                      ││▶ laptop  authorised  this node       │
        │                                      ││  old-phone  revoked  c4c4c4c4        │
        │                                      ││                                      │
        │                                      ││                                      │
        │                                      ││                                      │
        └───────────────────────────── 1 of 3 ─┘└────────────────────────────────── 2 ─┘
        Enter history  / filter  D live entries  Tab pane  ? help  q quit
        """, "deleted")
    }
}
