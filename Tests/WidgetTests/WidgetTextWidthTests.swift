import Testing
import Widgets

@Suite struct WidgetTextWidthTests {
    init() { prepareLocale() }

    @Test func widthsFollowCellRules() {
        #expect(UTF8Locale.isUTF8)
        #expect(TextWidth.of("abc") == 3)
        #expect(TextWidth.of("Café crème") == 10)
        #expect(TextWidth.of("e\u{301}") == 1)
        #expect(TextWidth.of("日本語") == 6)
        #expect(TextWidth.of("作者: ü") == 7)
        #expect(TextWidth.of("a\u{1B}b") == 3)
        #expect(TextWidth.of("\u{301}") == 0)
        #expect(TextWidth.of("─│┌▶…") == 5)
    }

    @Test func truncationEndsInAnEllipsisAndRespectsWideCharacters() {
        #expect(TextWidth.truncate("hello", to: 5) == "hello")
        #expect(TextWidth.truncate("hello world", to: 8) == "hello w…")
        #expect(TextWidth.truncate("日本語", to: 5) == "日本…")
        #expect(TextWidth.truncate("日本語", to: 4) == "日…")
        #expect(TextWidth.truncate("日本語", to: 1) == "…")
        #expect(TextWidth.truncate("abc", to: 0) == "")
        #expect(TextWidth.truncate("Zürich", to: 4) == "Zür…")
    }

    @Test func fitPadsToExactWidth() {
        #expect(TextWidth.fit("ab", to: 5) == "ab   ")
        #expect(TextWidth.fit("ab", to: 5, alignment: .right) == "   ab")
        #expect(TextWidth.fit("ab", to: 5, alignment: .centre) == " ab  ")
        #expect(TextWidth.fit("日本語", to: 4) == "日… ")
        #expect(TextWidth.of(TextWidth.fit("日本語", to: 4)) == 4)
    }

    @Test func wrapBreaksAtSpacesAndSplitsLongWords() {
        #expect(TextWidth.wrap("the quick brown fox", width: 10) == ["the quick", "brown fox"])
        #expect(TextWidth.wrap("abcdefghij", width: 4) == ["abcd", "efgh", "ij"])
        #expect(TextWidth.wrap("日本語日本語", width: 5) == ["日本", "語日", "本語"])
        #expect(TextWidth.wrap("one\n\ntwo", width: 10) == ["one", "", "two"])
    }

    @Test func lineTruncationKeepsRoles() {
        let line: Line = ["abc", Span("defgh", role: .danger)]
        let cut = line.truncated(to: 6)
        #expect(cut.plainText == "abcde…")
        #expect(cut.spans.last?.role == .danger)
        #expect(line.truncated(to: 20) == line)
    }
}
