/// Selection and scroll position of a ``ListView`` or ``Table``, owned by the app's model.
///
/// Operations take the current row count (the rows may live elsewhere, such as a database with a
/// million entries) and keep the selection visible using ``viewportHeight``, which the app sets
/// from its layout. Rendering re-checks with the real height, so a stale value never hides the
/// selection.
public struct ListState: Sendable, Hashable {
    /// The selected row, nil when the list is empty.
    public private(set) var selected: Int?
    /// The first visible row.
    public private(set) var offset: Int
    /// How many rows are visible; used by paging and by keeping the selection in view.
    public var viewportHeight: Int

    public init(selected: Int? = nil, offset: Int = 0, viewportHeight: Int = 10) {
        self.selected = selected
        self.offset = max(0, offset)
        self.viewportHeight = max(1, viewportHeight)
    }

    /// Selects `index` (clamped to the rows), or nothing when the list is empty.
    public mutating func select(_ index: Int?, rowCount: Int) {
        guard rowCount > 0, let index else {
            selected = nil
            offset = 0
            return
        }
        let row = min(max(0, index), rowCount - 1)
        selected = row
        offset = Scrolling.keepVisible(
            offset: offset, start: row, viewport: max(1, viewportHeight), total: rowCount)
    }

    /// Moves the selection by `delta` rows (negative is up); from no selection, selects the first row.
    public mutating func move(by delta: Int, rowCount: Int) {
        guard let current = selected else { return select(0, rowCount: rowCount) }
        select(current + delta, rowCount: rowCount)
    }

    public mutating func moveUp(rowCount: Int) { move(by: -1, rowCount: rowCount) }
    public mutating func moveDown(rowCount: Int) { move(by: 1, rowCount: rowCount) }
    public mutating func pageUp(rowCount: Int) { move(by: -pageSize, rowCount: rowCount) }
    public mutating func pageDown(rowCount: Int) { move(by: pageSize, rowCount: rowCount) }
    public mutating func home(rowCount: Int) { select(0, rowCount: rowCount) }
    public mutating func end(rowCount: Int) { select(rowCount - 1, rowCount: rowCount) }

    /// Re-clamps after the rows changed (rows deleted, a filter applied). An existing selection
    /// stays on the same index if it still exists; an empty list loses the selection; a list
    /// that gains rows while nothing is selected selects the first row.
    public mutating func clamp(rowCount: Int) {
        select(selected ?? 0, rowCount: rowCount)
    }

    /// Arrow keys, Page Up/Down and Home/End. Returns false for any other key, so the app can
    /// give it another meaning.
    public mutating func handle(_ key: Key, rowCount: Int) -> Bool {
        switch key {
        case .up: moveUp(rowCount: rowCount)
        case .down: moveDown(rowCount: rowCount)
        case .pageUp: pageUp(rowCount: rowCount)
        case .pageDown: pageDown(rowCount: rowCount)
        case .home: home(rowCount: rowCount)
        case .end: end(rowCount: rowCount)
        default: return false
        }
        return true
    }

    /// The rows to draw in a viewport of `height` rows: the stored offset, moved just enough to
    /// show the selection and never past the end.
    public func visibleRows(rowCount: Int, height: Int) -> Range<Int> {
        guard rowCount > 0, height > 0 else { return 0..<0 }
        let top: Int
        if let selected {
            top = Scrolling.keepVisible(offset: offset, start: selected, viewport: height, total: rowCount)
        } else {
            top = Scrolling.clamp(offset: offset, viewport: height, total: rowCount)
        }
        return top..<min(rowCount, top + height)
    }

    /// The row drawn on line `line` (0 = the first visible line) of a `height`-row viewport,
    /// for a mouse click; nil past the last row.
    public func row(atLine line: Int, rowCount: Int, height: Int) -> Int? {
        let rows = visibleRows(rowCount: rowCount, height: height)
        let index = rows.lowerBound + line
        return line >= 0 && rows.contains(index) ? index : nil
    }

    /// A click, the wheel: selects the row at `line`, or moves the selection 3 rows for the
    /// wheel. Returns whether it changed anything.
    public mutating func handle(_ event: MouseEvent, line: Int, rowCount: Int, height: Int) -> Bool {
        let before = selected
        switch event.kind {
        case .press:
            guard let row = row(atLine: line, rowCount: rowCount, height: height) else { return false }
            select(row, rowCount: rowCount)
        case .wheelUp: move(by: -3, rowCount: rowCount)
        case .wheelDown: move(by: 3, rowCount: rowCount)
        }
        return selected != before
    }

    private var pageSize: Int { max(1, viewportHeight) }
}
