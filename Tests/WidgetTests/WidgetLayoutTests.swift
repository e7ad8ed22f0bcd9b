import Testing
import Widgets

@Suite struct WidgetLayoutTests {
    @Test func rowsServeFixedThenShareTheRest() {
        let rows = Rect(x: 0, y: 0, width: 80, height: 24).rows([.fixed(1), .fill(), .fixed(1)])
        #expect(rows.map(\.y) == [0, 1, 23])
        #expect(rows.map(\.height) == [1, 22, 1])
    }

    @Test func columnsWithPercentWeightsAndSpacing() {
        let cols = Rect(x: 2, y: 0, width: 81, height: 10).columns([.percent(50), .fill(1), .fill(2)], spacing: 1)
        #expect(cols.map(\.width) == [40, 13, 26])
        #expect(cols.map(\.x) == [2, 43, 57])
        #expect(cols.last.map(\.maxX) == 83)
    }

    @Test func fixedPartsShrinkWhenSpaceRunsOut() {
        let cols = Rect(x: 0, y: 0, width: 10, height: 1).columns([.fixed(8), .fixed(8), .fill()])
        #expect(cols.map(\.width) == [8, 2, 0])
    }

    @Test func insetAndCentredNeverGoNegative() {
        let r = Rect(x: 5, y: 5, width: 3, height: 2)
        #expect(r.inset(by: 2).isEmpty)
        #expect(r.inset(by: 1) == Rect(x: 6, y: 6, width: 1, height: 0))
        #expect(Rect(x: 0, y: 0, width: 80, height: 24).centred(width: 40, height: 10) == Rect(x: 20, y: 7, width: 40, height: 10))
        #expect(Rect(x: 0, y: 0, width: 20, height: 5).centred(width: 40, height: 10) == Rect(x: 0, y: 0, width: 20, height: 5))
        #expect(Rect(x: 0, y: 0, width: -4, height: 3).width == 0)
    }
}
