import Testing
import Widgets

@Suite struct WidgetListTests {
    init() { prepareLocale() }

    @Test func movingKeepsTheSelectionInView() {
        var state = ListState(viewportHeight: 5)
        state.moveDown(rowCount: 100)
        #expect(state.selected == 0)
        for _ in 0..<6 { state.moveDown(rowCount: 100) }
        #expect(state.selected == 6)
        #expect(state.offset == 2)
        state.moveUp(rowCount: 100)
        #expect(state.offset == 2)
        for _ in 0..<5 { state.moveUp(rowCount: 100) }
        #expect(state.selected == 0)
        #expect(state.offset == 0)
        state.moveUp(rowCount: 100)
        #expect(state.selected == 0)
    }

    @Test func pagingAndEnds() {
        var state = ListState(viewportHeight: 10)
        #expect(state.handle(.pageDown, rowCount: 25) == true)
        #expect(state.selected == 0)
        #expect(state.handle(.pageDown, rowCount: 25) == true)
        #expect(state.selected == 10)
        #expect(state.offset == 1)
        state.pageDown(rowCount: 25)
        state.pageDown(rowCount: 25)
        #expect(state.selected == 24)
        #expect(state.offset == 15)
        state.pageUp(rowCount: 25)
        #expect(state.selected == 14)
        #expect(state.handle(.home, rowCount: 25) == true)
        #expect(state.selected == 0 && state.offset == 0)
        #expect(state.handle(.end, rowCount: 25) == true)
        #expect(state.selected == 24 && state.offset == 15)
        #expect(state.handle(.char("q"), rowCount: 25) == false)
    }

    @Test func emptyListsHaveNoSelectionAndShrinkingClamps() {
        var state = ListState(viewportHeight: 4)
        state.end(rowCount: 0)
        #expect(state.selected == nil)
        state.end(rowCount: 50)
        #expect(state.selected == 49)
        state.clamp(rowCount: 10)
        #expect(state.selected == 9)
        #expect(state.offset == 6)
        state.clamp(rowCount: 0)
        #expect(state.selected == nil && state.offset == 0)
    }

    @Test func renderingShowsTheSelectionEvenWithAStaleViewport() {
        var state = ListState(viewportHeight: 50)
        state.select(40, rowCount: 100)
        #expect(state.offset == 0)
        // The real area is only 10 rows high: the window moves to show row 40.
        #expect(state.visibleRows(rowCount: 100, height: 10) == 31..<41)
        #expect(state.visibleRows(rowCount: 3, height: 10) == 0..<3)
    }

    @Test func aStaleSelectionPastTheEndDrawsTheLastRowsWithoutHighlight() {
        var state = ListState(viewportHeight: 5)
        state.select(40, rowCount: 50)
        var requested: [Int] = []
        let list = ListView(rowCount: 8, state: state) { index in
            requested.append(index)
            return Line("row \(index)")
        }
        let buffer = rendered(list, width: 10, height: 5)
        #expect(requested == [3, 4, 5, 6, 7])
        #expect(buffer.lines == ["  row 3   ", "  row 4   ", "  row 5   ", "  row 6   ", "  row 7   "])
    }

    @Test func aMillionRowListAsksOnlyForVisibleRows() {
        var requested: [Int] = []
        var state = ListState(viewportHeight: 20)
        state.end(rowCount: 1_000_000)
        let list = ListView(rowCount: 1_000_000, state: state) { index in
            requested.append(index)
            return Line("entry \(index)")
        }
        var buffer = Buffer(width: 40, height: 20)
        buffer.render(list, theme: .standard)
        #expect(requested.count == 20)
        #expect(requested == Array(999_980..<1_000_000))
        #expect(buffer.lines.last?.hasPrefix("▶ entry 999999") == true)

        requested.removeAll()
        let table = Table(
            columns: [TableColumn("Key"), TableColumn("Value")], rowCount: 1_000_000, state: ListState()
        ) { index in
            requested.append(index)
            return TableRow(["k\(index)", "v"])
        }
        buffer.render(table, theme: .standard)
        #expect(requested == Array(0..<19))
    }

    @Test func monochromeSelectionIsVisibleWithoutColour() {
        let mono = Theme.monochrome
        for role in Role.allCases {
            #expect(mono[role].foreground == .default, "\(role)")
            #expect(mono[role].background == .default, "\(role)")
        }
        #expect(mono[.selection].isReverse)
        #expect(mono[.buttonFocused].isReverse)
        #expect(mono[.selectionUnfocused] != mono[.text])
        #expect(Theme.standard[.selection].background != .default)

        var state = ListState()
        state.select(1, rowCount: 3)
        let list = ListView(rowCount: 3, state: state) { Line("row \($0)") }
        let buffer = rendered(list, width: 12, height: 3, theme: mono)
        for x in 0..<12 {
            #expect(buffer[x, 1].style.isReverse)
            #expect(!buffer[x, 0].style.isReverse)
            #expect(!buffer[x, 2].style.isReverse)
        }
        #expect(buffer.lines[1].hasPrefix("▶ row 1"))
    }
}
