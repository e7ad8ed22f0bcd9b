import Widgets

/// Where the main screen's parts go for a terminal size. Wide terminals show entries on the
/// left and detail, peers and nodes on the right; narrow ones stack entries over one other
/// pane (the focused one, else the detail).
struct MainLayout: Equatable {
    static let minimum = Size(width: 40, height: 12)

    var size: Size
    var isTooSmall: Bool
    var isWide: Bool
    var status: Rect
    /// The rows under the status bar that say this device was revoked (nil otherwise).
    var banner: Rect?
    var body: Rect
    var hints: Rect
    var entries: Rect
    var entriesBody: Rect
    var filter: Rect?
    var detail: Rect?
    var peers: Rect?
    var nodes: Rect?
    var editorKey: Rect
    var editorValue: Rect?

    init(size: Size, focus: PaneID, filterShown: Bool, bannerRows: Int = 0) {
        self.size = size
        isTooSmall = size.width < Self.minimum.width || size.height < Self.minimum.height
        isWide = size.width >= 72 && size.height >= 16
        let rows = Rect(size).rows([.fixed(1), .fixed(bannerRows), .fill(), .fixed(1)])
        status = rows[0]
        banner = bannerRows > 0 ? rows[1] : nil
        body = rows[2]
        hints = rows[3]
        if isWide {
            // Half each: the detail pane needs the room for node, version id and time. With the
            // peers or nodes focused, the right column widens so their rows show whole.
            let columns = body.columns([.percent(focus == .peers || focus == .nodes ? 35 : 50), .fill()])
            entries = columns[0]
            let right = columns[1].rows([.fill(), .fixed(6), .fixed(7)])
            detail = right[0]
            peers = right[1]
            nodes = right[2]
        } else {
            let stacked = body.rows([.fill(3), .fill(2)])
            entries = stacked[0]
            detail = focus == .detail || focus == .entries ? stacked[1] : nil
            peers = focus == .peers ? stacked[1] : nil
            nodes = focus == .nodes ? stacked[1] : nil
        }
        let inner = Pane.inner(entries)
        filter = filterShown ? inner.bottom(1) : nil
        // The table's header takes the first row, the filter the last.
        entriesBody = inner.inset(top: 1, bottom: filterShown ? 1 : 0)
        let editorInner = Pane.inner(body)
        editorKey = editorInner.row(0).inset(left: 7)
        let value = editorInner.inset(top: 2)
        editorValue = value.isEmpty ? nil : value
    }
}
