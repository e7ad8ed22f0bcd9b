@testable import HyphaEngine
@testable import HyphaTUI
import Testing
import Widgets

/// Whole screens (80×24, and 120×40) drawn by the real view, compared row by row (trailing spaces
/// trimmed) with the expected text inline, plus the styles that carry meaning.
@Suite struct TUIScreenSnapshotTests {
    /// Compares screen rows with `expected`; on a mismatch, prints both versions of each row.
    private func expectScreen(_ actual: [String], _ expected: String, sourceLocation: SourceLocation = #_sourceLocation) {
        let got = actual.map { String($0.reversed().drop { $0 == " " }.reversed()) }
        let want = expected.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        guard got != want else { return }
        var report = ["screen differs (- expected, + actual):"]
        for i in 0..<max(got.count, want.count) {
            let g = i < got.count ? got[i] : "<none>", w = i < want.count ? want[i] : "<none>"
            if g != w { report += ["- \(w)", "+ \(g)"] }
        }
        Issue.record(Comment(rawValue: report.joined(separator: "\n")), sourceLocation: sourceLocation)
    }

    @Test func welcome() {
        var app = AppDriver()
        app.send(.nodeMissing)
        expectScreen(app.screen(), """





              ┌─ Welcome to Hypha ───────────────────────────────────────────────┐
              │                                                                  │
              │ A personal database on all of your devices, synced peer to peer. │
              │ This data directory has no node yet.                             │
              │                                                                  │
              │ ▶ New database  (n)                                              │
              │   Join existing  (j)                                             │
              │   Quit  (q)                                                      │
              │                                                                  │
              │ This device becomes the first node of a new database.            │
              │                                                                  │
              └──────────────────────────────────────────────────────────────────┘






        ↑↓ choose  Enter select  n new  j join  q quit
        """)
    }

    @Test func unlockAfterAWrongPassphrase() {
        var app = AppDriver()
        app.send(.nodeOpened(AppDriver.summary()))
        app.type("abacus abdomen")
        app.press(.enter)
        app.send(.unlockFailed(UnlockScreen.wrongPassphrase(derived: "1234abcd00", expected: AppDriver.databaseID)))
        expectScreen(app.screen(), """






            ┌─ Unlock Hypha ───────────────────────────────────────────────────────┐
            │                                                                      │
            │ Database 6d583418…  domain example.org  node laptop                  │
            │                                                                      │
            │ Passphrase  (hidden)                                                 │
            │                                                                      │
            │ Wrong passphrase: it derives database 1234abcd…, this node holds     │
            │ 6d583418…                                                            │
            │                                                                      │
            └──────────────────────────────────────────────────────────────────────┘







        Enter unlock  Esc clear  Ctrl-C quit
        """)
    }

    static func mainScreen() -> AppDriver {
        var app = AppDriver.main(rows: [
            Fixtures.entry("notes/tips", "buy milk", versions: 2),
            Fixtures.entry("notes/café", "crème brûlée\nsecond line"),
            Fixtures.entry("people/作者", "Jørgen"),
        ])
        app.send(.entryLoaded(key: "notes/tips", detail: TUIMainScreenTests.conflictDetail()))
        app.send(.nodesLoaded([
            NodeRow(name: "laptop", key: AppDriver.deviceKey, status: .authorised, isThisNode: true, requestID: nil),
            NodeRow(name: "old-phone", key: String(repeating: "c4", count: 32), status: .revoked, isThisNode: false, requestID: nil),
        ], writable: true))
        app.send(.peersLoaded([], listen: nil))
        return app
    }

    @Test func mainWithAConflict() {
        let app = Self.mainScreen()
        expectScreen(app.screen(), """
         hypha 6d583418… · example.org · laptop · writable                   local only
        ┌─ Entries ────────────────────────────┐┌─ Detail ─────────────────────────────┐
        │  Key             Value               ││notes/tips                            │
        │▶ notes/tips      ⚠ 2 values          ││⚠ 3 values in conflict                │
        │  notes/café      crème brûlée ⏎…     ││▶ [1] laptop 01010101:4 11-21 04:40   │
        │  people/作者     Jørgen              ││  buy milk                            │
        │                                      ││  [2] desktop 02020202:7 11-21 04:40  │
        │                                      ││  buy oat milk                        │
        │                                      ││  [3] phone 03030303:2 11-21 04:40    │
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
        / search  a add  e edit  d delete  h history  Tab pane  ? help  q quit
        """)
        let buffer = App.view(app.model, size: app.model.size, theme: .standard)
        #expect(buffer[3, 3].style == Theme.standard[.selection])      // the selected row
        #expect(buffer[45, 3].style == Theme.standard[.conflict])      // "⚠ 3 values in conflict"
        #expect(buffer[0, 1].style == Theme.standard[.borderFocused])  // the focused pane
        #expect(buffer[40, 1].style == Theme.standard[.border])        // the detail pane, unfocused
    }

    @Test func authoriseAlertOverTheMainScreen() {
        var app = Self.mainScreen()
        app.send(.backend(.requestArrived(Fixtures.request("aa01", name: "desktop", code: "482-193"))))
        app.send(.backend(.requestArrived(Fixtures.request("bb01", name: "phone", code: "111-111"))))
        app.send(.tick(now: app.model.now + 1))   // past the moment in which keys are held back
        expectScreen(app.screen(), """
         hypha 6d583418… · example.org · laptop · writ… local only · 2 pending requests
        ┌─ Entries ────────────────────────────┐┌─ Detail ─────────────────────────────┐
        │  Key             Value               ││notes/tips                            │
        │▶ notes/tips      ⚠ 2 values          ││⚠ 3 values in conflict                │
        │  notes/café      crème brûlée ⏎…     ││▶ [1] laptop 01010101:4 11-21 04:40   │
        │  people/作者     Jørgen              ││  buy milk                            │
        │                                      ││  [2] desktop 02020202:7 11-21 04:40  │
        │                                      ││  buy oat milk                        │
        │         ┌─ Authorise node? ────────────────────────────────────────┐04:40    │
        │         │                                                          │─────────┘
        │         │ Authorise node "desktop"? code 482-193                   │─────────┐
        │         │ Device key aaaaaaaa… Compare the code with the one the   │lly.     │
        │         │ new node shows.                                          │         │
        │         │                                                          │         │
        │         │             [ Deny (d) ]  [ Authorise (a) ]              │         │
        │         └───────────────────────────────────────── 1 more pending ─┘─────────┘
        │                                      │┌─ Nodes ──────────────────────────────┐
        │                                      ││▶ laptop  authorised  this node       │
        │                                      ││  old-phone  revoked  c4c4c4c4        │
        │                                      ││  desktop  pending  aaaaaaaa          │
        │                                      ││  phone  pending  bbbbbbbb            │
        │                                      ││                                      │
        └───────────────────────────── 1 of 3 ─┘└────────────────────────────────── 4 ─┘
        a authorise  d deny  Esc later  Tab switch button
        """)
        let buffer = App.view(app.model, size: app.model.size, theme: .standard)
        #expect(buffer[24, 14].style == Theme.standard[.buttonFocused])  // Deny has the focus
    }

    @Test func aConflictAt120x40() {
        var app = AppDriver.main(rows: [
            Fixtures.entry("notes/tips", "buy milk", versions: 3),
            Fixtures.entry("notes/café", "crème brûlée\nsecond line"),
        ], size: Size(width: 120, height: 40))
        app.send(.entryLoaded(key: "notes/tips", detail: TUIMainScreenTests.conflictDetail()))
        app.send(.nodesLoaded([
            NodeRow(name: "laptop", key: AppDriver.deviceKey, status: .authorised, isThisNode: true, requestID: nil),
            NodeRow(name: "copy", key: String(repeating: "e5", count: 32), status: .authorised, isThisNode: false, requestID: nil,
                    forkedAt: 12),
        ], writable: true))
        app.send(.peersLoaded([], listen: nil))
        expectScreen(app.screen(), """
         hypha 6d583418… · example.org · laptop · writable                                                           local only
        ┌─ Entries ────────────────────────────────────────────────┐┌─ Detail ─────────────────────────────────────────────────┐
        │  Key                     Value                           ││notes/tips                                                │
        │▶ notes/tips              ⚠ 3 values                      ││⚠ 3 values in conflict                                    │
        │  notes/café              crème brûlée ⏎…                 ││▶ [1] laptop  01010101:4  2025-11-21 04:40 UTC            │
        │                                                          ││  buy milk                                                │
        │                                                          ││  [2] desktop  02020202:7  2025-11-21 04:40 UTC           │
        │                                                          ││  buy oat milk                                            │
        │                                                          ││  [3] phone  03030303:2  2025-11-21 04:40 UTC             │
        │                                                          ││  (deleted)                                               │
        │                                                          ││                                                          │
        │                                                          ││                                                          │
        │                                                          ││                                                          │
        │                                                          ││                                                          │
        │                                                          ││                                                          │
        │                                                          ││                                                          │
        │                                                          ││                                                          │
        │                                                          ││                                                          │
        │                                                          ││                                                          │
        │                                                          ││                                                          │
        │                                                          ││                                                          │
        │                                                          ││                                                          │
        │                                                          ││                                                          │
        │                                                          ││                                                          │
        │                                                          ││                                                          │
        │                                                          │└──────────────────────────────────────────────────────────┘
        │                                                          │┌─ Peers ──────────────────────────────────────────────────┐
        │                                                          ││No peers: this node runs locally.                         │
        │                                                          ││                                                          │
        │                                                          ││                                                          │
        │                                                          ││                                                          │
        │                                                          │└──────────────────────────────────────────────────────────┘
        │                                                          │┌─ Nodes ──────────────────────────────────────────────────┐
        │                                                          ││▶ laptop  authorised  this node                           │
        │                                                          ││  copy  authorised  forked at 12  e5e5e5e5                │
        │                                                          ││                                                          │
        │                                                          ││                                                          │
        │                                                          ││                                                          │
        └───────────────────────────────────────────────── 1 of 2 ─┘└────────────────────────────────────────────────────── 2 ─┘
        / search  a add  e edit  d delete  h history  Tab pane  ? help  q quit
        """)
    }

    @Test func aRevokedDevice() {
        var app = Self.mainScreen()
        app.send(.nodesLoaded([
            NodeRow(name: "laptop", key: AppDriver.deviceKey, status: .revoked, isThisNode: true, requestID: nil),
            NodeRow(name: "desktop", key: String(repeating: "d0", count: 32), status: .authorised, isThisNode: false, requestID: nil),
        ], writable: false, revocation: Revocation(by: "desktop", on: "2026-12-01")))
        expectScreen(app.screen(), """
         hypha 6d583418… · example.org · laptop · revoked                    local only
         This device was revoked by desktop on 2026-12-01. It can read what it holds
         but can no longer write or approve.
        ┌─ Entries ────────────────────────────┐┌─ Detail ─────────────────────────────┐
        │  Key             Value               ││notes/tips                            │
        │▶ notes/tips      ⚠ 2 values          ││⚠ 3 values in conflict                │
        │  notes/café      crème brûlée ⏎…     ││▶ [1] laptop 01010101:4 11-21 04:40   │
        │  people/作者     Jørgen              ││  buy milk                            │
        │                                      ││  [2] desktop 02020202:7 11-21 04:40  │
        │                                      │└──────────────────────────────────────┘
        │                                      │┌─ Peers ──────────────────────────────┐
        │                                      ││No peers: this node runs locally.     │
        │                                      ││                                      │
        │                                      ││                                      │
        │                                      ││                                      │
        │                                      │└──────────────────────────────────────┘
        │                                      │┌─ Nodes ──────────────────────────────┐
        │                                      ││▶ laptop  revoked  this node          │
        │                                      ││  desktop  authorised  d0d0d0d0       │
        │                                      ││                                      │
        │                                      ││                                      │
        │                                      ││                                      │
        └───────────────────────────── 1 of 3 ─┘└────────────────────────────────── 2 ─┘
        X remove local data  / filter  Tab pane  ? help  q quit
        """)
        let buffer = App.view(app.model, size: app.model.size, theme: .standard)
        #expect(buffer[0, 1].style == Theme.standard[.statusError])  // the banner
    }
}
