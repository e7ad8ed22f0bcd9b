import Testing
import Widgets

@Suite struct WidgetBufferTests {
    init() { prepareLocale() }

    @Test func asciiTextReturnsTheNextColumn() {
        var buffer = Buffer(width: 10, height: 1)
        let next = buffer.put("abc", x: 2, y: 0)
        #expect(next == 5)
        #expect(buffer.lines == ["  abc     "])
    }

    @Test func wideGlyphTakesTwoCellsWithAContinuation() {
        var buffer = Buffer(width: 5, height: 1)
        let next = buffer.put("日本", x: 0, y: 0)
        #expect(next == 4)
        #expect(buffer[0, 0].glyph == "日")
        #expect(buffer[1, 0].isContinuation)
        #expect(buffer[2, 0].glyph == "本")
        #expect(buffer[3, 0].isContinuation)
        #expect(buffer[4, 0] == .blank)
        #expect(buffer.lines == ["日本 "])
    }

    @Test func wideGlyphNeverStartsInTheLastColumn() {
        var buffer = Buffer(width: 5, height: 1)
        let next = buffer.put("abcd日", x: 0, y: 0)
        #expect(next == 4)
        #expect(buffer.lines == ["abcd "])
        #expect(!buffer[4, 0].isContinuation)

        var limited = Buffer(width: 5, height: 1)
        let stop = limited.put("a日b", x: 0, y: 0, maxWidth: 2)
        #expect(stop == 1)
        #expect(limited.lines == ["a    "])
    }

    @Test func overwritingTheRightHalfOfAWideGlyphBlanksItsLeftHalf() {
        var buffer = Buffer(width: 4, height: 1)
        buffer.put("日", x: 0, y: 0)
        buffer.put("x", x: 1, y: 0)
        #expect(buffer[0, 0].glyph == " ")
        #expect(buffer[1, 0].glyph == "x")
        #expect(buffer.lines == [" x  "])
    }

    @Test func overwritingTheLeftHalfOfAWideGlyphBlanksItsRightHalf() {
        var buffer = Buffer(width: 4, height: 1)
        buffer.put("日", x: 0, y: 0)
        buffer.put("x", x: 0, y: 0)
        #expect(buffer[1, 0].glyph == " ")
        #expect(!buffer[1, 0].isContinuation)
        #expect(buffer.lines == ["x   "])
    }

    @Test func wideGlyphOverTwoWideGlyphsCleansBothNeighbours() {
        var buffer = Buffer(width: 4, height: 1)
        buffer.put("日本", x: 0, y: 0)
        buffer.put("語", x: 1, y: 0)
        #expect(buffer[0, 0].glyph == " ")
        #expect(buffer[1, 0].glyph == "語")
        #expect(buffer[2, 0].isContinuation)
        #expect(buffer[3, 0].glyph == " ")
        #expect(buffer.lines == [" 語 "])
    }

    @Test func combiningMarksStayInOneCell() {
        var buffer = Buffer(width: 4, height: 1)
        let next = buffer.put("e\u{301}x", x: 0, y: 0)
        #expect(next == 2)
        #expect(buffer[0, 0].glyph == "e\u{301}")
        #expect(buffer[0, 0].glyph?.unicodeScalars.count == 2)
        #expect(buffer[1, 0].glyph == "x")
    }

    @Test func controlAndBidiCharactersAreNeverWritten() {
        var buffer = Buffer(width: 20, height: 1)
        buffer.put("a\tb\u{1B}[31m\u{202E}c\r\nd\u{9B}", x: 0, y: 0)
        #expect(buffer.lines == ["a\u{FFFD}b\u{FFFD}[31m\u{FFFD}c\u{FFFD}d\u{FFFD}       "])
        for x in 0..<buffer.width {
            for scalar in buffer[x, 0].glyph?.unicodeScalars ?? "".unicodeScalars {
                #expect(scalar.value >= 0x20 && !(0x7F...0x9F).contains(scalar.value) && scalar.value != 0x202E)
            }
        }
    }

    @Test func loneZeroWidthGraphemesAreSkipped() {
        var buffer = Buffer(width: 3, height: 1)
        let next = buffer.put("\u{301}a", x: 0, y: 0)
        #expect(next == 1)
        #expect(buffer.lines == ["a  "])
    }

    @Test func writesOutsideTheBufferAreClipped() {
        var buffer = Buffer(width: 3, height: 2)
        buffer.put("abcdef", x: -2, y: 0)
        buffer.put("zz", x: 0, y: 5)
        buffer.put("zz", x: 0, y: -1)
        buffer.fill(Rect(x: -5, y: -5, width: 100, height: 100), with: "x")
        #expect(buffer.lines == ["xxx", "xxx"])
        var clipped = Buffer(width: 3, height: 1)
        clipped.put("abcdef", x: -2, y: 0)
        #expect(clipped.lines == ["cde"])
    }

    @Test func fillWithAWideGlyphPadsTheOddColumn() {
        var buffer = Buffer(width: 5, height: 1)
        buffer.fill(buffer.area, with: "日")
        #expect(buffer.lines == ["日日 "])
    }

    @Test func restylingHalfAWideGlyphRestylesBothHalves() {
        var buffer = Buffer(width: 4, height: 1)
        buffer.put("a日", x: 0, y: 0)
        let bold = Style(attributes: .bold)
        buffer.setStyle(bold, in: Rect(x: 2, y: 0, width: 1, height: 1))
        #expect(buffer[1, 0].style == bold)
        #expect(buffer[2, 0].style == bold)
        #expect(buffer[0, 0].style == .plain)
        #expect(buffer[3, 0].style == .plain)
    }

    @Test func styledDumpListsRunsOfNonPlainCells() {
        var buffer = Buffer(width: 6, height: 2)
        buffer.put("ab", x: 1, y: 0, style: Style(foreground: .green, attributes: .bold))
        buffer.put("日", x: 3, y: 1, style: Style(attributes: .reverse))
        #expect(buffer.styledDump == "y=0 x=1-2 fg=green bold\ny=1 x=3-4 reverse")
    }

    @Test func linesOfSpansUseTheirRoles() {
        var buffer = Buffer(width: 8, height: 1)
        let next = buffer.put(["ok ", Span("bad", role: .danger)], x: 0, y: 0, theme: .standard)
        #expect(next == 6)
        #expect(buffer[3, 0].style == Theme.standard[.danger])
        #expect(buffer[0, 0].style == Theme.standard[.text])
    }
}
