@testable import HyphaEngine
@testable import HyphaTUI
import Testing
import Widgets

/// Change passphrase… (P) and the follow prompt, driven through `App.update` by keys and the
/// results the effects runner would post.
@Suite struct TUISuccessionTests {
    static let words = ["yodel", "zippy", "backspace", "earphone", "handiwork", "supernova", "gallantly", "cardboard"]
    static let successor = "afa564ca" + String(repeating: "1", count: 56)
    static let thief = "0badc0de" + String(repeating: "2", count: 56)
    static let news = SuccessionNews(candidates: [.init(databaseID: successor, domain: "example.org", day: "2026-12-01", by: "desktop")])
    static let conflicting = SuccessionNews(candidates: news.candidates
        + [.init(databaseID: thief, domain: "example.org", day: "2026-12-02", by: "phone")])

    static func main() -> AppDriver {
        AppDriver.main(rows: [Fixtures.entry("notes/tips", "buy milk"), Fixtures.entry("shared/plan", "", versions: 2)],
                       size: Size(width: 80, height: 24))
    }

    static func movedNode() -> UnlockedNode {
        var summary = AppDriver.summary()
        summary.databaseID = successor
        return UnlockedNode(summary: summary, deviceKey: AppDriver.deviceKey, writable: true)
    }

    // MARK: Change passphrase

    /// P, Enter, the words, three of them back: returns the command and the app.
    static func confirmedChange(domain: String? = nil) throws -> (AppDriver, Command) {
        var app = main()
        app.press(.char("P"))
        if let domain {
            app.press(.ctrl("u"))
            app.type(domain)
        }
        #expect(app.press(.enter) == [.generatePassphrase])
        app.send(.passphraseGenerated(words: words, confirm: [1, 4, 7]))
        app.press(.enter)
        app.type("zippy")
        app.press(.tab)
        app.type("handiwork")
        app.press(.tab)
        app.type("cardboard")
        let commands = app.press(.enter)
        return (app, try #require(commands.first))
    }

    @Test func changingThePassphraseShowsTheWordsOnceAndReopensOnTheSuccessor() throws {
        var app = Self.main()
        app.press(.char("P"))
        let form = app.screenText()
        #expect(form.contains("Change passphrase"))
        #expect(form.contains("Domain  example.org"))
        #expect(form.contains("Your other devices will need the new passphrase to follow; this database"))
        #expect(form.contains("becomes read-only history."))

        var (changing, command) = try Self.confirmedChange()
        guard case let .changePassphrase(domain, secret) = command else {
            Issue.record("expected changePassphrase, got \(command)")
            return
        }
        #expect(domain == "example.org")
        let passphrase = try secret.take()
        #expect(passphrase.withUnsafeBytes { String(decoding: $0, as: UTF8.self) } == Self.words.joined(separator: " "))
        // The words leave the model as soon as they are handed over.
        #expect(!String(describing: changing.model).contains("supernova"))
        #expect(changing.screenText().contains("Deriving keys"))
        #expect(changing.model.isAnimating)
        // Nothing works the keys of the form while it runs; Esc and q do nothing.
        #expect(changing.press(.esc, .char("q")).isEmpty)
        #expect(changing.main?.changePassphrase != nil)

        changing.send(.successionProgress(.copying(copied: 0, of: 0)))
        #expect(changing.screenText().contains("Making the new database from this one…"))
        // A large database says how far the copy is.
        changing.send(.successionProgress(.copying(copied: 122_880, of: 300_000)))
        #expect(changing.screenText().contains("122,880 of 300,000 versions"))

        let notice = SuccessionSteps.rekeyed(PublicKey(hex: Self.successor)!, from: PublicKey(hex: AppDriver.databaseID)!)
        let reopened = changing.send(.movedToSuccessor(Self.movedNode(), notice: notice))
        #expect(changing.main?.changePassphrase == nil)
        #expect(changing.main?.node.summary.databaseID == Self.successor)
        #expect(reopened.contains(.loadSuccession) && reopened.contains(.loadNodes))
        #expect(reopened.contains { if case .loadPage = $0 { return true } else { return false } })
        let text = changing.screenText()
        #expect(text.contains("hypha afa564ca… · example.org · laptop · writable"))
        #expect(text.contains("Passphrase changed: the database is now afa564ca… (6d583418… kept read-only)."))
    }

    @Test func aChangedDomainIsCanonicalisedAndABadOneRefused() throws {
        let (_, command) = try Self.confirmedChange(domain: "Example.NET.")
        guard case let .changePassphrase(domain, _) = command else {
            Issue.record("expected changePassphrase, got \(command)")
            return
        }
        #expect(domain == "example.net")

        var app = Self.main()
        app.press(.char("P"), .ctrl("u"))
        app.type("https://example.org/")
        #expect(app.press(.enter).isEmpty)
        #expect(app.screenText().contains("looks like a URL"))
    }

    @Test func aFailedChangeSaysWhyAndLosesNothing() throws {
        var (app, _) = try Self.confirmedChange()
        app.send(.successionFailed("only an authorised writer can change the passphrase: this node is read-only"))
        let text = app.screenText()
        #expect(text.contains("only an authorised writer can change the passphrase"))
        #expect(text.contains("Domain  example.org"))  // back on the form, the words gone
        #expect(!String(describing: app.model).contains("supernova"))
        app.press(.esc)
        #expect(app.main?.changePassphrase == nil)
        #expect(app.screenText().contains("buy milk"))
        #expect(app.main?.node.summary.databaseID == AppDriver.databaseID)
    }

    @Test func escGoesBackOneStepAndCtrlCNeverQuits() {
        var app = Self.main()
        app.press(.char("P"), .enter)
        app.send(.passphraseGenerated(words: Self.words, confirm: [0, 1, 2]))
        app.press(.enter)  // to the words typed back
        app.press(.ctrl("c"))  // Esc: the words again
        #expect(app.screenText().contains("Write these 8 words down now"))
        #expect(!app.model.isQuitting)
        app.press(.esc)  // back to the form, the words dropped
        #expect(app.screenText().contains("Domain  example.org"))
        #expect(!String(describing: app.model).contains("gallantly"))
        app.press(.esc)
        #expect(app.main?.changePassphrase == nil)
    }

    @Test func onlyAnAuthorisedWriterOfADatabaseThatHasNotMovedMayChangeIt() {
        var readOnly = AppDriver.main(rows: [])
        readOnly.send(.nodesLoaded([], writable: false))
        #expect(readOnly.press(.char("P")).isEmpty)
        #expect(readOnly.main?.changePassphrase == nil)
        #expect(readOnly.screenText().contains("read-only until one of your other nodes authorises it"))

        var revoked = TUIRevokedDeviceTests.revoked()
        revoked.press(.char("P"))
        #expect(revoked.main?.changePassphrase == nil)
        #expect(revoked.screenText().contains("This device was revoked: it can read what it holds but no longer write."))

        var moved = Self.main()
        moved.send(.successionLoaded(Self.news))
        moved.press(.esc)  // puts the prompt off
        moved.press(.char("P"))
        #expect(moved.main?.changePassphrase == nil)
        #expect(moved.screenText().contains("This database already moved to a new passphrase: F follows it."))
    }

    // MARK: The follow prompt

    @Test func thePromptOpensWhenTheDatabaseMovedAndFollowsWithTheNewPassphrase() throws {
        var app = Self.main()
        app.send(.backend(.succession(Self.news)))
        var text = app.screenText()
        #expect(text.contains("Follow the new passphrase"))
        #expect(text.contains("This database moved to a new passphrase on 2026-12-01 (from desktop)."))
        #expect(text.contains("Enter the new passphrase to follow."))
        #expect(text.contains("· laptop · moved"))

        app.type("yodel zippy backspace")
        text = app.screenText()
        #expect(!text.contains("zippy"))  // hidden
        #expect(text.contains("(hidden)"))
        #expect(text.contains("3 words (at least 6)"))
        app.type(" earphone handiwork supernova gallantly cardboard")
        #expect(app.screenText().contains("8 words"))
        let commands = app.press(.enter)
        guard case let .follow(secret)? = commands.first else {
            Issue.record("expected follow, got \(commands)")
            return
        }
        let passphrase = try secret.take()
        #expect(passphrase.withUnsafeBytes { String(decoding: $0, as: UTF8.self) } == Self.words.joined(separator: " "))
        #expect(app.screenText().contains("Deriving keys"))

        app.send(.successionProgress(.fetching(have: 3, of: 12)))
        text = app.screenText()
        #expect(text.contains("fetching the successor: 3 of 12 blocks"))
        #expect(text.contains("25%"))
        #expect(app.model.isAnimating)

        app.send(.movedToSuccessor(Self.movedNode(), notice: SuccessionSteps.followed(PublicKey(hex: Self.successor)!, carried: 2)))
        text = app.screenText()
        #expect(app.main?.followPrompt == nil)
        #expect(app.main?.succession == nil)
        #expect(text.contains("Following database afa564ca… (writable); 2 late writes carried over."))
        #expect(!text.contains("F to follow"))
    }

    @Test func escPutsThePromptOffAndFReopensIt() {
        var app = Self.main()
        app.send(.successionLoaded(Self.news))
        #expect(app.main?.followPrompt != nil)
        app.type("yodel")
        app.press(.esc)
        #expect(app.main?.followPrompt == nil)
        var text = app.screenText()
        #expect(text.contains("Moved to a new passphrase on 2026-12-01 (from desktop): F to follow."))
        #expect(text.contains("Put off: F follows the new passphrase when you are ready."))
        // The same news again (a reload, another event) does not bring it back by itself.
        app.send(.backend(.succession(Self.news)))
        app.send(.databaseChanged(membership: true))
        #expect(app.main?.followPrompt == nil)
        app.press(.char("F"))
        #expect(app.main?.followPrompt != nil)
        #expect(app.main?.followPrompt?.field.isEmpty == true)  // what was typed before is gone
        // Ctrl-C in the prompt is Esc: it never quits.
        app.press(.ctrl("c"))
        #expect(app.main?.followPrompt == nil)
        #expect(!app.model.isQuitting)
        // A second, conflicting succession brings it back by itself.
        app.send(.backend(.succession(Self.conflicting)))
        #expect(app.main?.followPrompt != nil)
        text = app.screenText()
        #expect(text.contains("Conflicting successions: this database may be compromised."))
    }

    @Test func fSaysSoWhenThereIsNothingToFollow() {
        var app = Self.main()
        app.press(.char("F"))
        #expect(app.main?.followPrompt == nil)
        #expect(app.screenText().contains("This database has not moved to a new passphrase: there is nothing to follow."))
    }

    @Test func thePromptWaitsWhileAnEditIsBeingTyped() {
        var app = Self.main()
        app.press(.char("a"))
        app.type("notes/new")
        app.send(.backend(.succession(Self.news)))
        #expect(app.main?.followPrompt == nil)
        #expect(app.main?.editor?.key.text == "notes/new")
        app.press(.esc)  // asks: the key was typed
        app.press(.char("y"))
        #expect(app.main?.editor == nil)
        #expect(app.main?.followPrompt != nil)
    }

    @Test func aSaveOnAMovedDatabaseShowsTheEnginesLineAndKeepsTheText() throws {
        var app = Self.main()
        app.send(.successionLoaded(Self.news))
        app.press(.esc)
        app.press(.char("a"))
        app.type("notes/late")
        app.press(.tab)
        app.type("typed after it moved")
        let commands = app.press(.ctrl("s"))
        guard case let .write(changes, kind)? = commands.first else {
            Issue.record("expected a write, got \(commands)")
            return
        }
        #expect(changes == [.put(key: "notes/late", value: Array("typed after it moved".utf8), replaces: [])])
        let refusal = NodeError.moved(to: "afa564ca", on: "2026-12-01", by: "desktop").description
        app.send(.actionDone(ActionResult(kind: kind, failure: refusal)))
        let editor = try #require(app.main?.editor)
        #expect(editor.value.text == "typed after it moved")
        #expect(!editor.isSaving)
        let text = app.screenText()
        #expect(text.contains("this database moved to a new passphrase on 2026-12-01 (from desktop)"))
        #expect(text.contains("typed after it moved"))
    }

    @Test func aFailedFollowSaysWhyAndTakesThePassphraseAgain() {
        var app = Self.main()
        app.send(.backend(.succession(Self.news)))
        app.type(Self.words.joined(separator: " "))
        app.press(.enter)
        let reason = "the new passphrase derives 9784aefe…, which is not a successor of this database (successors: afa564ca… (domain example.org, 2026-12-01, from desktop))"
        app.send(.successionFailed(reason))
        let prompt = app.main?.followPrompt
        #expect(prompt?.isWorking == false)
        #expect(prompt?.field.isEmpty == true)
        #expect(app.screenText().contains("which is not a successor of this"))
        app.type("abacus")
        #expect(app.main?.followPrompt?.error == nil)  // typing clears it
        // A word outside the list is refused before anything is derived, naming no word.
        app.type(" abdomen abdominal abide abiding ability ablaze zzzz")
        #expect(app.press(.enter).isEmpty)
        #expect(app.screenText().contains("word 8 is not in the word list"))
        #expect(!app.screenText().contains("zzzz"))
    }

    @Test func escWhileFetchingStopsTheFollow() {
        var app = Self.main()
        app.send(.backend(.succession(Self.news)))
        app.type(Self.words.joined(separator: " "))
        app.press(.enter)
        app.send(.successionProgress(.fetching(have: 0, of: 12)))
        #expect(app.press(.esc) == [.cancelFollow])
        #expect(app.screenText().contains("Stopping…"))
        #expect(app.press(.esc).isEmpty)  // once
        app.send(.successionFailed(SuccessionSteps.describe(CancellationError())))
        #expect(app.screenText().contains("Stopped: this node still uses the old database (F to follow later)."))
    }

    @Test func theIdleLockWaitsWhileTheNodeIsBeingMoved() {
        var app = AppDriver.main(rows: [], lockAfter: 60)
        app.send(.backend(.succession(Self.news)))
        app.type(Self.words.joined(separator: " "))
        app.press(.enter)
        #expect(app.send(.tick(now: 600)).isEmpty)
        #expect(app.model.screen.name == "main")
        app.send(.successionFailed("fetched 0 of the successor's 12 first entries before the timeout"))
        #expect(app.send(.tick(now: 700)) == [.lock])
    }

    @Test func namesFromTheNetworkAreSanitised() {
        let status = SuccessionStatus(candidates: [
            .init(successor: PublicKey(hex: Self.successor)!, domain: "example.org", day: "2026-12-01", by: "evil\u{1b}[2Jname"),
        ])
        let news = SuccessionNews(status)
        #expect(!news.candidates[0].by.contains("\u{1b}"))
        var app = Self.main()
        app.send(.backend(.succession(news)))
        #expect(!app.screenText().contains("\u{1b}"))
    }

    @Test func theOldDatabasesOtherSuccessionIsAWarning() {
        var app = Self.main()
        let news = SuccessionNews(candidates: [.init(databaseID: AppDriver.databaseID, domain: "example.org", day: "2026-12-01", by: "laptop"),
                                               .init(databaseID: Self.thief, domain: "example.org", day: "2026-12-02", by: "phone")])
        app.send(.backend(.predecessorConflict(news)))
        #expect(app.main?.followPrompt == nil)
        #expect(app.screenText().contains("The old database has another succession, 0badc0de… (2026-12-02, from phone)"))
    }

    @Test func helpAndHintsListTheKeys() {
        var app = Self.main()
        app.press(.tab, .tab, .tab)  // the nodes pane
        #expect(app.screenText().contains("P passphrase"))
        app.press(.char("?"))
        for _ in 0..<3 { app.press(.pageDown) }
        let help = KeyBindings.helpOverlay()
        #expect(help.sections.contains { $0.title == "Passphrase" && $0.bindings.contains { $0.key == "P" } && $0.bindings.contains { $0.key == "F" } })
        app.press(.esc)
        app.send(.successionLoaded(Self.news))
        app.press(.esc)
        #expect(app.screenText().contains("F follow"))
    }
}
