import Testing
import Widgets

@Suite struct WidgetTextEditorTests {
    init() { prepareLocale() }

    @Test func typingNewlinesAndJoining() {
        var state = TextEditorState()
        for key: Key in [.char("a"), .char("b"), .enter, .char("c")] { #expect(state.handle(key) == true) }
        #expect(state.text == "ab\nc")
        #expect(state.cursorRow == 1 && state.cursorIndex == 1)
        state.moveLineStart()
        #expect(state.handle(.backspace) == true)
        #expect(state.text == "abc" && state.cursorRow == 0 && state.cursorIndex == 2)
        state.newline()
        #expect(state.text == "ab\nc")
        #expect(state.handle(.up) == true && state.handle(.end) == true)
        #expect(state.handle(.delete) == true)
        #expect(state.text == "abc")
        state.insert("\nxyz\n")
        #expect(state.lineCount == 3)
        #expect(state.line(1) == "xyz")
        #expect(state.handle(.esc) == false)
        #expect(state.handle(.tab) == false)
    }

    @Test func leftAndRightWrapAcrossLines() {
        var state = TextEditorState(text: "ab\ncd")
        state.moveLineEnd()
        #expect(state.moveRight() == true)
        #expect(state.cursorRow == 1 && state.cursorIndex == 0)
        #expect(state.moveLeft() == true)
        #expect(state.cursorRow == 0 && state.cursorIndex == 2)
        state.moveLineStart()
        #expect(state.moveLeft() == false)
    }

    @Test func verticalMovesKeepTheGoalColumnAcrossWideCharacters() {
        var state = TextEditorState(text: "日本語\nabcdef\nx")
        state.moveDown()
        for _ in 0..<3 { state.moveRight() }
        #expect(state.cursorColumn == 3)
        state.moveUp()
        // Column 3 is the right half of 本: the cursor snaps to its start.
        #expect(state.cursorRow == 0 && state.cursorIndex == 1 && state.cursorColumn == 2)
        state.moveDown()
        #expect(state.cursorIndex == 3)
        state.moveDown()
        #expect(state.cursorRow == 2 && state.cursorIndex == 1)
        state.moveUp()
        #expect(state.cursorRow == 1 && state.cursorIndex == 3)
    }

    @Test func ctrlKDeletesToTheEndThenJoins() {
        var state = TextEditorState(text: "hello world\nnext")
        state.moveWordRight()
        state.deleteToLineEnd()
        #expect(state.text == "hello\nnext")
        state.deleteToLineEnd()
        #expect(state.text == "hellonext")
    }

    @Test func scrollingFollowsTheCursor() {
        var state = TextEditorState(
            text: (0..<10).map { "line \($0)" }.joined(separator: "\n"), viewport: Size(width: 4, height: 3), softWrap: false)
        for _ in 0..<5 { state.moveDown() }
        #expect(state.scrollRow == 3)
        state.moveLineEnd()
        #expect(state.scrollColumn == 3)
        #expect(state.handle(.pageUp) == true)
        #expect(state.cursorRow == 2 && state.scrollRow == 2)
        state.insert("\u{1B}")
        #expect(state.line(2) == "line 2")
    }
}
