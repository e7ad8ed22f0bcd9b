import Testing
import Widgets

@Suite struct WidgetTextFieldTests {
    init() { prepareLocale() }

    private func typed(_ text: String, secret: Bool = false, width: Int = 20) -> TextFieldState {
        var state = TextFieldState(secret: secret, viewportWidth: width)
        for ch in text { #expect(state.handle(.char(ch)) == true) }
        return state
    }

    @Test func typingAndCursorMovement() {
        var state = typed("hello")
        #expect(state.text == "hello" && state.cursor == 5)
        #expect(state.handle(.left) == true && state.handle(.left) == true)
        #expect(state.handle(.char("X")) == true)
        #expect(state.text == "helXlo" && state.cursor == 4)
        #expect(state.handle(.home) == true)
        #expect(state.cursor == 0)
        state.backspace()
        #expect(state.text == "helXlo")
        #expect(state.handle(.delete) == true)
        #expect(state.text == "elXlo")
        #expect(state.handle(.end) == true)
        #expect(state.handle(.backspace) == true)
        #expect(state.text == "elXl")
        #expect(state.handle(.ctrl("a")) == true && state.cursor == 0)
        #expect(state.handle(.ctrl("e")) == true && state.cursor == 4)
        #expect(state.handle(.enter) == false)
        #expect(state.handle(.up) == false)
    }

    @Test func wordAndLineDeletion() {
        var state = typed("hello big world")
        #expect(state.handle(.ctrl("w")) == true)
        #expect(state.text == "hello big ")
        #expect(state.handle(.alt("b")) == true)
        #expect(state.cursor == 6)
        #expect(state.handle(.alt("d")) == true)
        #expect(state.text == "hello  ")
        state.moveHome()
        state.moveWordRight()
        #expect(state.cursor == 5)
        #expect(state.handle(.ctrl("k")) == true)
        #expect(state.text == "hello")
        #expect(state.handle(.left) == true && state.handle(.ctrl("u")) == true)
        #expect(state.text == "o" && state.cursor == 0)
    }

    @Test func unsafeCharactersAreRefused() {
        var state = typed("ab")
        #expect(state.handle(.char("\u{1B}")) == false)
        #expect(state.handle(.char("\u{202E}")) == false)
        #expect(state.handle(.char("\n")) == false)
        state.insert("c\u{07}d\ne\u{9B}")
        #expect(state.text == "abcd e")
        #expect(TextFieldState(text: "x\u{0}y").text == "xy")
    }

    @Test func combiningMarkJoinsThePreviousCharacter() {
        var state = typed("e")
        #expect(state.handle(.char("\u{301}")) == true)
        #expect(state.count == 1)
        #expect(state.text == "é")
        var empty = TextFieldState()
        #expect(empty.handle(.char("\u{301}")) == false)
    }

    @Test func maxLengthBoundsInput() {
        var state = TextFieldState(maxLength: 3)
        state.insert("abcdef")
        #expect(state.text == "abc")
        #expect(state.handle(.char("z")) == false)
    }

    @Test func horizontalScrollKeepsTheCursorVisible() {
        var state = typed("abcdefghij", width: 5)
        #expect(state.scroll == 6)
        state.moveLeft()
        #expect(state.scroll == 6)
        state.moveHome()
        #expect(state.scroll == 0)
        state.moveEnd()
        #expect(state.scroll == 6)
        var wide = typed("日本語日本", width: 5)
        #expect(wide.cursorColumn == 10)
        #expect(wide.scroll == 6)
        wide.moveLeft()
        #expect(wide.scroll == 6)
    }

    @Test func secretFieldRevealsNothingOfItsContent() {
        let secrets = ["", "x", "xyzzy-42 日本 passphrase words that go on", "q"]
        var renders: [Buffer] = []
        for secret in secrets {
            let state = typed(secret, secret: true, width: 30)
            #expect(state.text == secret)
            for focused in [true, false] {
                let buffer = rendered(TextField(state: state, focused: focused), width: 30, height: 1)
                if focused { renders.append(buffer) }
                let shown = buffer.lines.joined()
                for ch in "xyzq-42日本pasw" { #expect(!shown.contains(ch), "\(ch) leaked") }
            }
            #expect(!String(describing: state).contains("xyzzy"))
            #expect(!String(reflecting: state).contains("xyzzy"))
            var dumped = ""
            dump(state, to: &dumped)
            #expect(!dumped.contains("xyzzy"))
        }
        // Same screen whatever was typed: not even the length or emptiness shows.
        #expect(Set(renders).count == 1)
    }

    @Test func wipeEmptiesTheField() {
        var state = typed("secret words", secret: true)
        #expect(state.utf8 == Array("secret words".utf8))
        state.wipe()
        #expect(state.isEmpty && state.cursor == 0)
    }
}
