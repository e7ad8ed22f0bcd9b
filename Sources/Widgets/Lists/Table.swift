/// A column of a ``Table``.
public struct TableColumn: Sendable, Hashable {
    public var title: String
    /// `.fixed(n)` cells, `.percent(p)` of the table, or `.fill(weight)` of what is left.
    public var width: Constraint
    public var alignment: Alignment

    public init(_ title: String, width: Constraint = .fill(), alignment: Alignment = .left) {
        self.title = title
        self.width = width
        self.alignment = alignment
    }
}

/// One row of a ``Table``: a text per column, and the role to draw them in.
public struct TableRow: Sendable, Hashable {
    public var cells: [String]
    public var role: Role

    public init(_ cells: [String], role: Role = .text) {
        self.cells = cells
        self.role = role
    }
}

/// A virtualised table: a header row, then rows fetched on demand like ``ListView``'s, with
/// fixed, percent or flexible column widths. Text that does not fit is cut with "…"; missing
/// cells are blank. Selection and scrolling use a ``ListState``.
public struct Table: Widget {
    public var columns: [TableColumn]
    public var rowCount: Int
    public var state: ListState
    public var focused: Bool
    public var showsHeader: Bool
    /// Blank cells between columns.
    public var spacing: Int
    public var marker: String
    public var emptyText: String
    private let row: (Int) -> TableRow

    public init(
        columns: [TableColumn], rowCount: Int, state: ListState, focused: Bool = true,
        showsHeader: Bool = true, spacing: Int = 2, marker: String = "▶ ", emptyText: String = "",
        row: @escaping (Int) -> TableRow
    ) {
        self.columns = columns
        self.rowCount = max(0, rowCount)
        self.state = state
        self.focused = focused
        self.showsHeader = showsHeader
        self.spacing = max(0, spacing)
        self.marker = marker
        self.emptyText = emptyText
        self.row = row
    }

    /// Rows of data that fit in `area` (the header takes one): set ``ListState/viewportHeight`` to this.
    public func bodyHeight(in area: Rect) -> Int {
        max(0, area.height - (showsHeader ? 1 : 0))
    }

    public func render(in area: Rect, buffer: inout Buffer, theme: Theme) {
        guard !area.isEmpty else { return }
        let markerWidth = min(TextWidth.of(marker), area.width)
        let segments = Layout.split(
            length: area.width - markerWidth, columns.map(\.width), spacing: spacing)
        var body = area
        if showsHeader {
            let header = area.row(0).inset(left: markerWidth)
            drawCells(columns.map(\.title), segments, in: header, buffer: &buffer, style: theme[.header])
            body = area.inset(top: 1)
        }
        let window = RowWindow(
            rowCount: rowCount, state: state, focused: focused, marker: marker, emptyText: emptyText)
        window.render(in: body, buffer: &buffer, theme: theme) { buffer, index, rect, selectionStyle in
            let data = row(index)
            drawCells(data.cells, segments, in: rect, buffer: &buffer, style: selectionStyle ?? theme[data.role])
        }
    }

    private func drawCells(
        _ texts: [String], _ segments: [Layout.Segment], in rect: Rect, buffer: inout Buffer,
        style: Style
    ) {
        for (i, segment) in segments.enumerated() where segment.length > 0 {
            let text = i < texts.count ? texts[i] : ""
            let fitted = TextWidth.fit(text, to: segment.length, alignment: columns[i].alignment)
            buffer.put(fitted, x: rect.x + segment.start, y: rect.y, maxWidth: segment.length, style: style)
        }
    }
}
