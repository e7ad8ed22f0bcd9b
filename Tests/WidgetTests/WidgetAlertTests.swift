import Testing
import Widgets

@Suite struct WidgetAlertTests {
    private func authorise() -> AlertDialog {
        AlertDialog(
            title: "Authorise node?", message: ["Authorise node \"laptop\" (code 482-193)?"],
            buttons: [AlertButton("Deny", key: "n"), AlertButton("Authorise", key: "y")], safeButton: 0)
    }

    @Test func focusStartsOnTheSafeButton() {
        var dialog = authorise()
        #expect(dialog.focusedButton == 0)
        #expect(dialog.handle(.enter) == 0)
    }

    @Test func escapeAlwaysChoosesTheSafeButton() {
        var dialog = authorise()
        #expect(dialog.handle(.tab) == nil)
        #expect(dialog.focusedButton == 1)
        #expect(dialog.handle(.esc) == 0)
        #expect(dialog.handle(.enter) == 1)
    }

    @Test func acceleratorsChooseTheirButtonInEitherCase() {
        var dialog = authorise()
        #expect(dialog.handle(.char("Y")) == 1)
        #expect(dialog.handle(.char("n")) == 0)
        #expect(dialog.focusedButton == 0)
    }

    @Test func otherKeysAreSwallowedWithoutChangingAnything() {
        var dialog = authorise()
        for key: Key in [.char("q"), .up, .f(1), .ctrl("c"), .resize] { #expect(dialog.handle(key) == nil) }
        #expect(dialog.focusedButton == 0)
        #expect(dialog.handle(.left) == nil)
        #expect(dialog.focusedButton == 1)
        #expect(dialog.handle(.backTab) == nil)
        #expect(dialog.focusedButton == 0)
    }
}
