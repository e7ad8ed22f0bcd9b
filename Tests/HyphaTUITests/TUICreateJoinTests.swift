@testable import HyphaEngine
@testable import HyphaTUI
import Testing
import Widgets

/// The welcome, new-database and join screens driven by keys and results.
@Suite struct TUICreateJoinTests {
    static let words = ["enjoying", "dawn", "ceramics", "playroom", "outgrow", "lunchbox", "unmanaged", "ebony"]

    private func welcome() -> AppDriver {
        var app = AppDriver()
        app.send(.nodeMissing)
        return app
    }

    @Test func newDatabaseShowsTheWordsOnceAndChecksThree() throws {
        var app = welcome()
        app.press(.char("n"))
        guard case .create = app.model.screen else {
            Issue.record("n did not open the new-database form")
            return
        }
        #expect(app.screenText().contains("testhost"))  // the host name is the default node name
        app.type("Example.ORG.")
        #expect(app.press(.enter) == [.generatePassphrase])
        app.send(.passphraseGenerated(words: Self.words, confirm: [2, 4, 7]))
        let shown = app.screenText()
        for word in Self.words { #expect(shown.contains(word)) }
        #expect(shown.contains("only this once"))

        app.press(.enter)
        #expect(app.screenText().contains("Word 3"))
        #expect(!app.screenText().contains("ceramics"))  // not shown while asking for it
        app.type("ceramics")
        app.press(.tab)
        app.type("OUTGROW")  // case does not matter
        app.press(.tab)
        app.type("ebonx")
        #expect(app.press(.enter).isEmpty)
        #expect(app.screenText().contains("Word 8 does not match."))

        app.press(.backspace)
        app.type("y")
        let commands = app.press(.enter)
        guard case let .createNode(domain, name, secret) = try #require(commands.first) else {
            Issue.record("expected createNode, got \(commands)")
            return
        }
        #expect(domain == "example.org")
        #expect(name == "testhost")
        let passphrase = try secret.take()
        #expect(passphrase.withUnsafeBytes { String(decoding: $0, as: UTF8.self) } == Self.words.joined(separator: " "))
        // The words leave the model as soon as they are handed over.
        #expect(!String(describing: app.model).contains("lunchbox"))
        #expect(app.screenText().contains("Deriving keys"))

        app.send(.nodeCreated(UnlockedNode(summary: AppDriver.summary(), deviceKey: AppDriver.deviceKey, writable: true)))
        #expect(app.model.screen.name == "main")
    }

    @Test func aBadDomainIsRefusedBeforeAnythingHappens() {
        var app = welcome()
        app.press(.char("n"))
        app.type("https://example.org/")
        #expect(app.press(.enter).isEmpty)
        #expect(app.screenText().contains("looks like a URL"))
        app.press(.esc)
        #expect(app.model.screen.name == "welcome")
    }

    @Test func createFailureReturnsToTheFormWithoutTheWords() {
        var app = welcome()
        app.press(.char("n"))
        app.type("example.org")
        app.press(.enter)
        app.send(.passphraseGenerated(words: Self.words, confirm: [0, 1, 2]))
        app.send(.createFailed("cannot create /x: permission denied"))
        #expect(app.screenText().contains("permission denied"))
        #expect(!String(describing: app.model).contains("playroom"))
    }

    @Test func joinCollectsFourFieldsAndShowsTheCodeUntilAuthorised() throws {
        var app = welcome()
        app.press(.char("j"))
        app.type("example.org")
        // Enter joins from any field: what is missing gets the focus and says why.
        app.press(.enter)
        #expect(app.screenText().contains("Type your passphrase."))
        app.type("abacus abdomen abdominal abide abiding ability ablaze able")
        #expect(!app.screenText().contains("abacus"))
        #expect(app.screenText().contains("8 words"))
        app.press(.enter)  // no peer yet
        #expect(app.screenText().contains("Give a peer address"))
        app.type("192.0.2.7:7420")
        let commands = app.press(.enter)
        guard case let .join(domain, _, peer, name) = try #require(commands.first) else {
            Issue.record("expected join, got \(commands)")
            return
        }
        #expect(domain == "example.org")
        #expect(peer == "192.0.2.7:7420")
        #expect(name == "testhost")

        app.send(.joinFailed("joining needs the network runtime, which this build does not have yet"))
        #expect(app.screenText().contains("joining needs the network runtime"))

        // The focus is back on the passphrase, which was cleared.
        app.type("abacus abdomen abdominal abide abiding ability ablaze able")
        #expect(app.press(.enter).count == 1)
        let node = UnlockedNode(summary: AppDriver.summary(), deviceKey: AppDriver.deviceKey, writable: false)
        app.send(.joinStarted(node))
        #expect(app.screenText().contains("Waiting for approval"))
        app.send(.backend(.joinStatus(.waitingForApproval(code: "482-193"))))
        #expect(app.screenText().contains("Verification code  482-193"))
        #expect(app.press(.enter).isEmpty)  // nothing to open yet
        app.send(.backend(.joinStatus(.authorised)))
        #expect(app.screenText().contains("Authorised: this node can write now."))
        app.press(.enter)
        #expect(app.main?.node.writable == true)
    }

    @Test func alwaysOnNodesCannotBeOpened() {
        var app = AppDriver()
        var summary = AppDriver.summary()
        summary.isAlwaysOn = true
        app.send(.nodeOpened(summary))
        #expect(app.screenText().contains("always-on node"))
        #expect(app.press(.char("q")) == [.quit])
    }
}
