@testable import HyphaEngine
@testable import HyphaTUI
import Testing
import Widgets

/// The screens changed for the app-quality work, at 80×24, drawn by the real view: the join form
/// checking its fields, the waiting screen with the connection state (unreachable, wrong
/// database), the unlock screen of a join that never synced, the editor with soft wrap and
/// its position, the peers pane retrying, a running search and the help overlay.
@Suite struct TUIAppQualitySnapshotTests {
    static let snapshots = "__SNAPSHOTS__"

    private func joinForm() -> AppDriver {
        var app = AppDriver()
        app.send(.nodeMissing)
        app.press(.char("j"))
        return app
    }

    @Test func joinFormChecksEachFieldAsItIsTyped() {
        var app = joinForm()
        app.type("example.org")
        app.press(.tab)
        app.type("abacus abdomen qwerty ")
        app.press(.tab)
        app.type("localhost:99999")
        expectScreen(app.screen(), """




            ┌─ Join a database ────────────────────────────────────────────────────┐
            │                                                                      │
            │ Use the domain and passphrase of the database you already have.      │
            │                                                                      │
            │ Domain      example.org                                              │
            │ Passphrase  (hidden)                                                 │
            │             3 words; word 3 is not in the word list                  │
            │ Peer        localhost:99999                                          │
            │             not a peer address (host:port or ws://host:port/hypha)   │
            │ Node name   testhost                                                 │
            │                                                                      │
            │ This node replicates read-only until one of your nodes authorises    │
            │ it.                                                                  │
            │                                                                      │
            └──────────────────────────────────────────────────────────────────────┘




        Tab ↑↓ field  Enter join  Esc back
        """, "joinForm")
        // Corrected fields lose their messages at once.
        app.press(.backTab)
        app.press(.ctrl("u"))
        app.type("abacus abdomen abdominal abide abiding ability ablaze able")
        #expect(app.screenText().contains("8 words"))
        #expect(!app.screenText().contains("not in the word list"))
    }

    @Test func joinFormSaysWhenAnAddressIsTypedAsThePassphrase() {
        var app = joinForm()
        app.press(.tab)
        app.type("192.168.1.20:4815")
        #expect(app.screenText().contains("looks like a peer address"))
    }

    @Test func joinFormIsPrefilledFromThePeerOption() {
        var app = AppDriver()
        app.model.joinPeer = "192.0.2.7:4815"
        app.send(.nodeMissing)
        app.press(.char("j"))
        #expect(app.screenText().contains("192.0.2.7:4815"))
    }

    private func waiting() -> AppDriver {
        var app = joinForm()
        app.type("example.org")
        app.press(.tab)
        app.type("abacus abdomen abdominal abide abiding ability ablaze able")
        app.press(.tab)
        app.type("192.0.2.7:4815")
        app.press(.enter)
        app.send(.joinStarted(UnlockedNode(summary: AppDriver.summary(), deviceKey: AppDriver.deviceKey, writable: false)))
        app.send(.backend(.joinStatus(.waitingForApproval(code: "482-193"))))
        return app
    }

    @Test func waitingScreenShowsAnUnreachablePeer() {
        var app = waiting()
        app.send(.tick(now: 10))
        app.send(.backend(.connection(PeerConnection(address: "192.0.2.7:4815",
            state: .failed(reason: "connection refused", retryInSeconds: 4, wrongDatabase: false)))))
        app.send(.tick(now: 11.2))
        expectScreen(app.screen(), """





                ┌─ Waiting for approval ───────────────────────────────────────┐
                │                                                              │
                │ Database 6d583418…  node laptop                              │
                │                                                              │
                │ Verification code  482-193                                   │
                │ Check that your other node shows the same code before you    │
                │ authorise it there.                                          │
                │                                                              │
                │ Cannot reach 192.0.2.7:4815: connection refused.             │
                │ | Retrying in 3 s…                                           │
                │                                                              │
                └──────────────────────────────────────────────────────────────┘






        Esc back to the form  q quit
        """, "waitingUnreachable")
    }

    @Test func waitingScreenSaysThePeerDoesNotServeTheDatabase() {
        var app = waiting()
        app.send(.backend(.connection(PeerConnection(address: "192.0.2.7:4815",
            state: .failed(reason: NetworkBackend.describe(failure: NetworkBackend.closedBeforeOpen).text,
                           retryInSeconds: 1, wrongDatabase: true)))))
        expectScreen(app.screen(), """





                ┌─ Cannot join ────────────────────────────────────────────────┐
                │                                                              │
                │ Database 6d583418…  node laptop                              │
                │                                                              │
                │ 192.0.2.7:4815 closed the connection right after this node   │
                │ asked for the database: this peer does not serve the         │
                │ database your passphrase derives: check the passphrase and   │
                │ domain.                                                      │
                │                                                              │
                │ Esc goes back to the form (nothing is kept) to try again.    │
                │                                                              │
                └──────────────────────────────────────────────────────────────┘






        Esc back to the form  q quit
        """, "waitingWrongDatabase")
        // Esc goes back to the form, undoing the join; what was typed stays (no passphrase).
        #expect(app.press(.esc) == [.abandonJoin])
        app.send(.joinAbandoned(failure: nil))
        #expect(app.screenText().contains("Join a database"))
        #expect(app.screenText().contains("192.0.2.7:4815"))
        #expect(app.screenText().contains("Check the passphrase and the domain"))
    }

    @Test func waitingScreenOnceAuthorisedNoLongerAsksToCompare() {
        var app = waiting()
        app.send(.backend(.connection(PeerConnection(address: "192.0.2.7:4815", state: .connected))))
        #expect(app.screenText().contains("Connected to 192.0.2.7:4815"))
        app.send(.backend(.joinStatus(.authorised)))
        #expect(!app.screenText().contains("before you authorise"))
    }

    @Test func unlockOfAJoinThatNeverSyncedOffersToStartOver() {
        var app = AppDriver()
        var summary = AppDriver.summary()
        summary.neverSynced = true
        app.send(.nodeOpened(summary))
        expectScreen(app.screen(), """




            ┌─ Unlock Hypha ───────────────────────────────────────────────────────┐
            │                                                                      │
            │ Database 6d583418…  domain example.org  node laptop                  │
            │                                                                      │
            │ This node never received anything from a peer: a join that did not   │
            │ finish (a wrong passphrase or domain, or a peer that was never       │
            │ reached). Ctrl-R starts over: it deletes this node's files so you    │
            │ can join again.                                                      │
            │                                                                      │
            │ Passphrase  (hidden)                                                 │
            │                                                                      │
            │ Your passphrase is the 8 words shown when the database was created.  │
            │                                                                      │
            └──────────────────────────────────────────────────────────────────────┘





        Enter unlock  Esc clear  Ctrl-R start over  Ctrl-C quit
        """, "unlockNeverSynced")
        #expect(app.press(.ctrl("r")) == [.startOver])
        app.send(.nodeMissing)
        #expect(app.screenText().contains("Started over"))
    }

    @Test func editorWrapsLongLinesAndShowsThePosition() {
        var app = TUIScreenSnapshotTests.mainScreen()
        let value = String(repeating: "wrapped words in a long line ", count: 8) + "END"
        app.send(.entryLoaded(key: "notes/tips", detail: Fixtures.detail("notes/tips", value, writer: 1, index: 4)))
        app.press(.char("e"))
        app.press(.ctrl("e"))
        expectScreen(app.screen(), """
         hypha 6d583418… · example.org · laptop · writable                   local only
        ┌─ Edit 'notes/tips' ──────────────────────────────────────────────────────────┐
        │Key    notes/tips                                                             │
        │Value                                                                         │
        │wrapped words in a long line wrapped words in a long line wrapped words in a l│
        │ong line wrapped words in a long line wrapped words in a long line wrapped wor│
        │ds in a long line wrapped words in a long line wrapped words in a long line EN│
        │D                                                                             │
        │                                                                              │
        │                                                                              │
        │                                                                              │
        │                                                                              │
        │                                                                              │
        │                                                                              │
        │                                                                              │
        │                                                                              │
        │                                                                              │
        │                                                                              │
        │                                                                              │
        │                                                                              │
        │                                                                              │
        │                                                                              │
        └──────────────────────────────────────────────────────────── Ln 1/1, Col 236 ─┘
        Ctrl-S save  Esc close  Tab key/value  Enter new line
        """, "editorWrapped")
    }

    @Test func peersPaneShowsARetryingPeer() {
        var app = TUIScreenSnapshotTests.mainScreen()
        app.send(.tick(now: 20))
        app.send(.peersLoaded([
            PeerRow(address: "127.0.0.1:7001", transport: "tcp", nodeName: "desktop", state: .synced, direction: "in"),
            PeerRow(address: "127.0.0.1:7002", transport: "tcp", nodeName: "phone", state: .syncing(behind: 1_200), direction: "out"),
            PeerRow(address: "192.0.2.9:4815", transport: "tcp", nodeName: nil, state: .retrying(retryInSeconds: 8),
                    direction: "out", lastError: "connection refused"),
        ], listen: "0.0.0.0:4815"))
        app.send(.tick(now: 22.5))
        expectScreen(app.screen(), """
         hypha 6d583418… · example.org · laptop · writable       listening 0.0.0.0:4815
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
        │                                      ││▶ desktop synced in tcp 127.0.0.1:7001│
        │                                      ││  phone syncing, behind by 1,200 out …│
        │                                      ││  192.0.2.9:4815 retrying in 6 s: ref…│
        │                                      ││                                      │
        │                                      │└────────────────────────────────── 3 ─┘
        │                                      │┌─ Nodes ──────────────────────────────┐
        │                                      ││▶ laptop  authorised  this node       │
        │                                      ││  old-phone  revoked  c4c4c4c4        │
        │                                      ││                                      │
        │                                      ││                                      │
        │                                      ││                                      │
        └───────────────────────────── 1 of 3 ─┘└────────────────────────────────── 2 ─┘
        / search  a add  e edit  d delete  h history  Tab pane  ? help  q quit
        """, "peersRetrying")
        // Focused, the right column widens and the retrying row shows whole.
        app.press(.tab, .tab)
        #expect(app.screenText().contains("192.0.2.9:4815 retrying in 6 s: refused out tcp"))
    }

    @Test func aRunningSearchShowsItsProgress() {
        var app = TUIScreenSnapshotTests.mainScreen()
        app.press(.char("/"))
        app.type("milk")
        let generation = app.main?.search?.generation ?? 0
        app.send(.counted(generation: generation, prefix: "", count: 100_000))
        app.send(.searched(SearchStep(generation: generation, matches: [Fixtures.entry("notes/tips", "buy milk", versions: 2)],
                                      lastKey: "k", scanned: 40_960, done: false)))
        expectScreen(app.screen(), """
         hypha 6d583418… · example.org · laptop · writable                   local only
        ┌─ Entries matching ───────────────────┐┌─ Detail ─────────────────────────────┐
        │  Key             Value               ││Loading…                              │
        │▶ notes/tips      ⚠ 2 values          ││                                      │
        │                                      ││                                      │
        │                                      ││                                      │
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
        │/ milk                                ││                                      │
        └── 1 of 1 · searching 40,960/100,000 ─┘└────────────────────────────────── 2 ─┘
        type key or value text  Enter keep  Esc clear
        """, "searching")
    }

    @Test func helpFitsAt80Columns() {
        var app = TUIScreenSnapshotTests.mainScreen()
        app.press(.char("?"))
        expectScreen(app.screen(), """
         hypha 6d583418… · example.org · laptop · writable                   local only
        ┌─ En┌─ Keys ────────────────────────────────────────────────────────────┐─────┐
        │  Ke│ Everywhere                                                        │     │
        │▶ no│   Tab Shift-Tab  next / previous pane                             │     │
        │  no│   click, wheel   focus a pane and select a row; scroll            │40   │
        │  pe│   ?              this help                                        │     │
        │    │   q              quit (asks only when an edit is unsaved)         │:40  │
        │    │                                                                   │     │
        │    │ Esc, q and Ctrl-C                                                 │0    │
        │    │   Esc            back one step: closes help, the history, a       │─────┘
        │    │                  dialog (its safe answer), the editor (asks       │─────┐
        │    │                  first), the search; never quits                  │     │
        │    │   q              quits when browsing; closes help, the history    │     │
        │    │                  and dialogs                                      │     │
        │    │   Ctrl-C         quits, except in the editor, the search, help,   │     │
        │    │                  the history and dialogs, where it is Esc         │─────┘
        │    │                                                                   │─────┐
        │    │ Entries                                                           │     │
        │    │   ↑↓ PgUp PgDn   move                                             │     │
        │    │   Home End       first / last entry                               │     │
        │    │   /              search keys and values (Enter keeps, Esc clears) │     │
        │    │   a              add an entry                                     │     │
        └────└────────────────────────────────────────────────────── 1-20 of 69 ─┘─ 2 ─┘
        ↑↓ scroll  Esc close
        """, "help")
        // No help line is cut: none of the overlay's rows ends in "…".
        #expect(!app.screen().dropFirst().dropLast().contains { $0.contains("…│") || $0.contains("… │") })
        // Scrolled to the end, the last lines are whole too.
        app.press(.end, .pageDown, .pageDown, .pageDown)
        #expect(!app.screen().dropFirst().dropLast().contains { $0.contains("…│") || $0.contains("… │") })
    }

    @Test func theSelectionFollowsItsKeyWhenRowsAreInsertedAbove() {
        var app = AppDriver.main(rows: [Fixtures.entry("a", "1"), Fixtures.entry("c", "3"), Fixtures.entry("d", "4")])
        app.press(.down)
        #expect(app.main?.selectedEntry?.key == "c")
        app.send(.databaseChanged(membership: false))
        // The reload holds a new key above the selection.
        app.send(.pageLoaded(PageResult(generation: 1, page: 0, after: nil,
                                        rows: [Fixtures.entry("a", "1"), Fixtures.entry("b", "2"), Fixtures.entry("c", "3"),
                                               Fixtures.entry("d", "4")])))
        app.send(.counted(generation: 1, prefix: "", count: 4))
        #expect(app.main?.list.selected == 2)
        #expect(app.main?.selectedEntry?.key == "c")
        // Deleted: the selection goes to the key after it.
        app.send(.databaseChanged(membership: false))
        app.send(.pageLoaded(PageResult(generation: 1, page: 0, after: nil,
                                        rows: [Fixtures.entry("a", "1"), Fixtures.entry("b", "2"), Fixtures.entry("d", "4")])))
        #expect(app.main?.selectedEntry?.key == "d")
    }

    @Test func aSearchIsCancelledByTheNextQueryAndClearedWithEsc() {
        var app = TUIScreenSnapshotTests.mainScreen()
        app.press(.char("/"))
        app.type("mi")
        let first = app.main?.search?.generation ?? 0
        app.type("l")
        let second = app.main?.search?.generation ?? 0
        #expect(second > first)
        // A late chunk of the first query is dropped.
        app.send(.searched(SearchStep(generation: first, matches: [Fixtures.entry("people/作者", "Jørgen")], lastKey: nil,
                                      scanned: 3, done: true)))
        #expect(app.main?.rowCount == 0)
        app.send(.searched(SearchStep(generation: second, matches: [Fixtures.entry("notes/tips", "buy milk", versions: 2)],
                                      lastKey: nil, scanned: 3, done: true)))
        #expect(app.main?.rowCount == 1)
        app.press(.esc)
        #expect(app.main?.search == nil)
    }
}
