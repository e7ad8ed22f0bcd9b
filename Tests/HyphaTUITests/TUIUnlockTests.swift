@testable import HyphaTUI
@testable import HyphaEngine
import Testing
import Widgets

/// The unlock screen as a person uses it: nothing typed ever shows, a failure says why and
/// clears the field.
@Suite struct TUIUnlockTests {
    static let words = "abacus abdomen abdominal abide abiding ability ablaze able"

    private func unlockScreen() -> AppDriver {
        var app = AppDriver()
        app.send(.nodeOpened(AppDriver.summary()))
        return app
    }

    @Test func typingNeverShowsThePassphrase() {
        var app = unlockScreen()
        let empty = app.screen()
        app.type(Self.words)
        let typed = app.screen()
        #expect(typed == empty)  // not even the length shows
        for word in Self.words.split(separator: " ") {
            #expect(!app.screenText().contains(word))
        }
        #expect(!String(describing: app.model).contains("abacus"))
    }

    @Test func enterSendsTheSecretAndClearsTheField() throws {
        var app = unlockScreen()
        app.type(Self.words)
        let commands = app.press(.enter)
        guard case let .unlock(secret) = try #require(commands.first) else {
            Issue.record("expected an unlock command, got \(commands)")
            return
        }
        let bytes = try secret.take()
        #expect(bytes.withUnsafeBytes { String(decoding: $0, as: UTF8.self) } == Self.words)
        #expect(secret.isEmpty)  // zeroed on the way into guarded memory
        #expect(app.unlock?.field.isEmpty == true)
        #expect(app.unlock?.isDeriving == true)
        app.send(.tick(now: 0.3))
        #expect(app.model.isAnimating)
        #expect(app.screenText().contains("Deriving keys"))
        // Keys are ignored while deriving.
        #expect(app.type("x").isEmpty)
    }

    @Test func wrongPassphraseNamesBothDatabasesAndClearsTheField() {
        var app = unlockScreen()
        app.type("abacus abdomen abdominal abide abiding ablaze")
        app.press(.enter)
        let message = UnlockScreen.wrongPassphrase(derived: "1234abcd" + String(repeating: "0", count: 56),
                                                   expected: AppDriver.databaseID)
        app.send(.unlockFailed(message))
        #expect(app.unlock?.isDeriving == false)
        #expect(app.unlock?.field.isEmpty == true)
        #expect(app.unlock?.error == "Wrong passphrase: it derives database 1234abcd…, this node holds 6d583418…")
        let text = app.screenText()
        #expect(text.contains("Wrong passphrase: it derives database 1234abcd…"))
        #expect(text.contains("6d583418…"))
        #expect(!text.contains("abdomen"))
        // Typing again clears the error.
        app.type("a")
        #expect(app.unlock?.error == nil)
    }

    @Test func unknownWordErrorsNeverRepeatTheWord() {
        let described = UnlockScreen.describe(InputError.passphraseUnknownWord(word: "abacuss", suggestion: "abacus"))
        #expect(!described.contains("abacus"))
        #expect(described.contains("not in the EFF wordlist"))
    }

    @Test func emptyEnterAsksForThePassphrase() {
        var app = unlockScreen()
        #expect(app.press(.enter).isEmpty)
        #expect(app.unlock?.error == "Type your passphrase, then Enter.")
    }

    @Test func unlockedOpensTheMainScreenAndAsksForData() {
        var app = unlockScreen()
        let commands = app.send(.unlocked(UnlockedNode(summary: AppDriver.summary(), deviceKey: AppDriver.deviceKey, writable: true)))
        #expect(app.model.screen.name == "main")
        #expect(commands.contains(.loadPage(generation: 1, prefix: "", page: 0, after: nil)))
        #expect(commands.contains(.count(generation: 1, prefix: "")))
        #expect(commands.contains(.loadNodes))
    }
}
