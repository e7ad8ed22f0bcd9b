import Testing
@testable import Widgets

/// The editor's work is bounded by what changes and what is visible, counted in characters
/// measured (`Glyph.display` calls), not in time: opening a 5,000-character line used to take
/// 15 s because every inserted character measured the whole line again (quadratic).
@Suite struct WidgetEditorWorkTests {
    init() { prepareLocale() }

    private func render(_ state: TextEditorState, width: Int = 78, height: Int = 20) {
        var buffer = Buffer(width: width, height: height)
        buffer.render(TextEditor(state: state), in: buffer.area, theme: .standard)
    }

    @Test func openingALongLineMeasuresEachCharacterOnce() {
        let line = String(repeating: "abcdefghi ", count: 200)   // 2,000 characters
        var state = TextEditorState()
        let measured = WorkCount.measuring { state = TextEditorState(text: line, viewport: Size(width: 78, height: 20)) }
        // Refusing controls and storing the width: two measurements a character at most.
        #expect(measured <= 2 * line.count, "opening measured \(measured) characters for \(line.count)")
        #expect(state.text == line)
    }

    @Test func typingInALongLineMeasuresOnlyWhatItInserts() {
        for softWrap in [true, false] {
            var state = TextEditorState(text: String(repeating: "x", count: 20_000), viewport: Size(width: 78, height: 20),
                                        softWrap: softWrap)
            let atEnd = WorkCount.measuring {
                state.moveLineEnd()
                for ch in "typed at the end" { _ = state.handle(.char(ch)) }
            }
            #expect(atEnd <= 4 * 16, "typing 16 characters at the end measured \(atEnd) (softWrap \(softWrap))")
            let atStart = WorkCount.measuring {
                state.moveLineStart()
                for ch in "at the start" { _ = state.handle(.char(ch)) }
                _ = state.handle(.backspace)
                _ = state.handle(.ctrl("w"))
            }
            #expect(atStart <= 4 * 12, "typing at the start measured \(atStart) (softWrap \(softWrap))")
        }
    }

    @Test func renderingMeasuresOnlyVisibleCells() {
        var state = TextEditorState(text: String(repeating: "0123456789", count: 5_000), viewport: Size(width: 78, height: 20))
        state.moveLineEnd()
        let measured = WorkCount.measuring { render(state) }
        #expect(measured <= 2 * 78 * 20, "rendering measured \(measured) characters for 78×20 cells")
        #expect(state.cursorColumn == 50_000)
    }

    @Test func theLargestValueOpensAndTakesTypingWithinItsBudget() {
        // 500 KB, the largest value allowed: one line, then many lines.
        for text in [String(repeating: "a", count: 500_000),
                     String(repeating: String(repeating: "b", count: 99) + "\n", count: 5_000)] {
            var state = TextEditorState()
            let opened = WorkCount.measuring { state = TextEditorState(text: text, viewport: Size(width: 78, height: 20)) }
            #expect(opened <= 2 * text.count)
            let typed = WorkCount.measuring {
                _ = state.handle(.pageDown)
                for ch in "hello" { _ = state.handle(.char(ch)) }
                render(state)
            }
            #expect(typed <= 4 * 5 + 2 * 78 * 20, "typing and one frame measured \(typed)")
        }
    }

    @Test func softWrapShowsLongLinesWhole() {
        var state = TextEditorState(text: "abcdefghij" + "klmnopqrst" + "uv\nnext", viewport: Size(width: 10, height: 4))
        var buffer = Buffer(width: 10, height: 4)
        buffer.render(TextEditor(state: state), in: buffer.area, theme: .standard)
        #expect(buffer.lines == ["abcdefghij", "klmnopqrst", "uv        ", "next      "])
        // Down goes by visual rows, keeping the column.
        state.moveRight()
        state.moveDown()
        #expect(state.cursorRow == 0 && state.cursorIndex == 11)
        state.moveDown()
        #expect(state.cursorRow == 0 && state.cursorIndex == 21)
        state.moveDown()
        #expect(state.cursorRow == 1 && state.cursorIndex == 1)
        state.moveUp()
        #expect(state.cursorRow == 0 && state.cursorIndex == 21)
        // A wide character that does not fit starts the next row.
        let wide = TextEditorState(text: "abcdefghi日本", viewport: Size(width: 10, height: 3))
        var narrow = Buffer(width: 10, height: 3)
        narrow.render(TextEditor(state: wide), in: narrow.area, theme: .standard)
        #expect(narrow.lines[0] == "abcdefghi ")
        #expect(narrow.lines[1].hasPrefix("日本"))
    }

    @Test func pastingInsertsTextWithLineBreaks() {
        var state = TextEditorState()
        #expect(state.handle(.paste("one\r\ntwo\rthree\u{1B}[A\tfour")) == true)
        #expect(state.text == "one\ntwo\nthree[A four")
    }
}
