@testable import HyphaEngine
@testable import HyphaTUI
import Testing
import Widgets

/// Change passphrase… and the follow prompt at 80×24, drawn by the real view.
@Suite struct TUISuccessionSnapshotTests {
    @Test func theChangePassphraseForm() {
        var app = TUISuccessionTests.main()
        app.press(.char("P"))
        expectScreen(app.screen(), """
         hypha 6d583418… · example.org · laptop · writable                    starting…
        ┌─ Entries ────────────────────────────┐┌─ Detail ─────────────────────────────┐
        │  Key             Value               ││Loading…                              │
        │▶ notes/tips      buy milk            ││                                      │
        │  shared/plan     ⚠ 2 values          ││                                      │
        │                                      ││                                      │
        │ ┌─ Change passphrase ──────────────────────────────────────────────────────┐ │
        │ │                                                                          │ │
        │ │ A new passphrase makes a new database (its successor) holding everything │ │
        │ │ in this one, conflicts included. Database 6d583418… stays here, frozen.  │─┘
        │ │                                                                          │─┐
        │ │ Domain  example.org                                                      │ │
        │ │         the current domain unless you mean to change it                  │ │
        │ │                                                                          │ │
        │ │ Your other devices will need the new passphrase to follow; this database │ │
        │ │ becomes read-only history.                                               │─┘
        │ │                                                                          │─┐
        │ └──────────────────────────────────────────────────────────────────────────┘ │
        │                                      ││                                      │
        │                                      ││                                      │
        │                                      ││                                      │
        │                                      ││                                      │
        └───────────────────────────── 1 of 2 ─┘└────────────────────────────────── 0 ─┘
        Enter generate a new passphrase  Esc cancel
        """, "change-form")
    }

    @Test func theNewPassphraseShownOnce() {
        var app = TUISuccessionTests.main()
        app.press(.char("P"), .enter)
        app.send(.passphraseGenerated(words: TUISuccessionTests.words, confirm: [1, 4, 7]))
        expectScreen(app.screen(), """
         hypha 6d583418… · example.org · laptop · writable                    starting…
        ┌─ Entries ────────────────────────────┐┌─ Detail ─────────────────────────────┐
        │  Key             Value               ││Loading…                              │
        │▶ notes/tips      buy milk            ││                                      │
        │  shared/plan     ⚠ 2 values          ││                                      │
        │                                      ││                                      │
        │ ┌─ Change passphrase ──────────────────────────────────────────────────────┐ │
        │ │                                                                          │ │
        │ │ Your passphrase. Write these 8 words down now, on paper.                 │ │
        │ │                                                                          │─┘
        │ │  1. yodel      2. zippy      3. backspace  4. earphone                   │─┐
        │ │  5. handiwork  6. supernova  7. gallantly  8. cardboard                  │ │
        │ │                                                                          │ │
        │ │ ⚠ Hypha shows them only this once and never stores them. They are the    │ │
        │ │ only way to open this database on another device or after a reinstall,   │ │
        │ │ and anyone who has them can read and change everything in it.            │─┘
        │ │                                                                          │─┐
        │ └──────────────────────────────────────────────────────────────────────────┘ │
        │                                      ││                                      │
        │                                      ││                                      │
        │                                      ││                                      │
        │                                      ││                                      │
        └───────────────────────────── 1 of 2 ─┘└────────────────────────────────── 0 ─┘
        Enter I have written them down  Esc start again
        """, "change-words")
    }

    @Test func theFollowPrompt() {
        var app = TUISuccessionTests.main()
        app.send(.backend(.succession(TUISuccessionTests.news)))
        app.type("yodel zippy backspace earphone")
        expectScreen(app.screen(), """
         hypha 6d583418… · example.org · laptop · moved                       starting…
         Moved to a new passphrase on 2026-12-01 (from desktop): F to follow.
        ┌─ Entries ────────────────────────────┐┌─ Detail ─────────────────────────────┐
        │  Key             Value               ││Loading…                              │
        │▶ notes/tips      buy milk            ││                                      │
        │  shared/plan     ⚠ 2 values          ││                                      │
        │ ┌─ Follow the new passphrase ──────────────────────────────────────────────┐ │
        │ │                                                                          │ │
        │ │ This database moved to a new passphrase on 2026-12-01 (from desktop).    │ │
        │ │ Enter the new passphrase to follow.                                      │─┘
        │ │                                                                          │─┐
        │ │ New passphrase  (hidden)                                                 │ │
        │ │                 4 words (at least 6)                                     │ │
        │ │                                                                          │ │
        │ │ What this device wrote since comes along. Until you follow, this         │ │
        │ │ database is read-only here.                                              │─┘
        │ │                                                                          │─┐
        │ └──────────────────────────────────────────────────────────────────────────┘ │
        │                                      ││                                      │
        │                                      ││                                      │
        │                                      ││                                      │
        │                                      ││                                      │
        └───────────────────────────── 1 of 2 ─┘└────────────────────────────────── 0 ─┘
        Enter follow  Esc later (F reopens)
        """, "follow")
    }

    @Test func theFollowPromptFetching() {
        var app = TUISuccessionTests.main()
        app.send(.backend(.succession(TUISuccessionTests.news)))
        app.type(TUISuccessionTests.words.joined(separator: " "))
        app.press(.enter)
        app.send(.successionProgress(.fetching(have: 9, of: 12)))
        expectScreen(app.screen(), """
         hypha 6d583418… · example.org · laptop · moved                       starting…
         Moved to a new passphrase on 2026-12-01 (from desktop): F to follow.
        ┌─ Entries ────────────────────────────┐┌─ Detail ─────────────────────────────┐
        │  Key             Value               ││Loading…                              │
        │▶ notes/tips      buy milk            ││                                      │
        │  shared/plan     ⚠ 2 values          ││                                      │
        │                                      ││                                      │
        │ ┌─ Follow the new passphrase ──────────────────────────────────────────────┐ │
        │ │                                                                          │ │
        │ │ This database moved to a new passphrase on 2026-12-01 (from desktop).    │─┘
        │ │ Enter the new passphrase to follow.                                      │─┐
        │ │                                                                          │ │
        │ │ New passphrase  (hidden)                                                 │ │
        │ │                                                                          │ │
        │ │ | fetching the successor: 9 of 12 blocks                                 │ │
        │ │ ██████████████████████████████████████████████████░░░░░░░░░░░░░░░░░  75% │─┘
        │ │                                                                          │─┐
        │ └──────────────────────────────────────────────────────────────────────────┘ │
        │                                      ││                                      │
        │                                      ││                                      │
        │                                      ││                                      │
        │                                      ││                                      │
        └───────────────────────────── 1 of 2 ─┘└────────────────────────────────── 0 ─┘
        Esc stop
        """, "follow-fetching")
    }

    @Test func conflictingSuccessions() {
        var app = TUISuccessionTests.main()
        app.send(.backend(.succession(TUISuccessionTests.conflicting)))
        expectScreen(app.screen(), """
         hypha 6d583418… · example.org · laptop · moved                       starting…
         Conflicting successions: this database may be compromised. F to choose.
        ┌─ Entries ────────────────────────────┐┌─ Detail ─────────────────────────────┐
        │  Key             Value               ││Loading…                              │
        │▶┌─ Conflicting successions ────────────────────────────────────────────────┐ │
        │ │                                                                          │ │
        │ │ Conflicting successions: this database may be compromised. Someone who   │ │
        │ │ holds the old passphrase may have made one of them:                      │ │
        │ │   2026-12-01  from desktop  → afa564ca…  domain example.org              │ │
        │ │   2026-12-02  from phone  → 0badc0de…  domain example.org                │─┘
        │ │                                                                          │─┐
        │ │ Enter the new passphrase that is yours: it chooses which one to follow.  │ │
        │ │                                                                          │ │
        │ │ New passphrase  (hidden)                                                 │ │
        │ │                 the 8 words, in order                                    │ │
        │ │                                                                          │─┘
        │ │ What this device wrote since comes along. Until you follow, this         │─┐
        │ │ database is read-only here.                                              │ │
        │ │                                                                          │ │
        │ └──────────────────────────────────────────────────────────────────────────┘ │
        │                                      ││                                      │
        │                                      ││                                      │
        └───────────────────────────── 1 of 2 ─┘└────────────────────────────────── 0 ─┘
        Enter follow  Esc later (F reopens)
        """, "follow-conflicting")
        let buffer = App.view(app.model, size: app.model.size, theme: .standard)
        #expect(buffer[1, 1].style == Theme.standard[.statusError])  // the banner says it in red
    }

    @Test func theBannerOnceThePromptIsPutOff() {
        var app = TUISuccessionTests.main()
        app.send(.backend(.succession(TUISuccessionTests.news)))
        app.press(.esc)
        app.send(.tick(now: 10))  // the "put off" notice goes
        expectScreen(app.screen(), """
         hypha 6d583418… · example.org · laptop · moved                       starting…
         Moved to a new passphrase on 2026-12-01 (from desktop): F to follow.
        ┌─ Entries ────────────────────────────┐┌─ Detail ─────────────────────────────┐
        │  Key             Value               ││Loading…                              │
        │▶ notes/tips      buy milk            ││                                      │
        │  shared/plan     ⚠ 2 values          ││                                      │
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
        │                                      ││Loading…                              │
        │                                      ││                                      │
        │                                      ││                                      │
        │                                      ││                                      │
        │                                      ││                                      │
        └───────────────────────────── 1 of 2 ─┘└────────────────────────────────── 0 ─┘
        / search  a add  e edit  d delete  h history  F follow  Tab pane  ? help  q quit
        """, "moved-banner")
    }
}
