/// A scroll position over content that has no selection (the help overlay, a log view).
public struct ScrollState: Sendable, Hashable {
    /// The first visible line.
    public private(set) var offset: Int
    /// Visible lines; set it from the layout (rendering re-checks with the real height).
    public var viewportHeight: Int

    public init(offset: Int = 0, viewportHeight: Int = 10) {
        self.offset = max(0, offset)
        self.viewportHeight = max(1, viewportHeight)
    }

    /// Scrolls by `delta` lines within content of `contentHeight` lines.
    public mutating func scroll(by delta: Int, contentHeight: Int) {
        offset = Scrolling.clamp(offset: offset + delta, viewport: viewportHeight, total: contentHeight)
    }

    public mutating func scrollToTop() { offset = 0 }

    public mutating func scrollToBottom(contentHeight: Int) {
        offset = Scrolling.clamp(offset: contentHeight, viewport: viewportHeight, total: contentHeight)
    }

    /// ↑/↓ by a line, Page Up/Down by a page, Home/End; false for other keys.
    public mutating func handle(_ key: Key, contentHeight: Int) -> Bool {
        let page = max(1, viewportHeight - 1)
        switch key {
        case .up: scroll(by: -1, contentHeight: contentHeight)
        case .down: scroll(by: 1, contentHeight: contentHeight)
        case .pageUp: scroll(by: -page, contentHeight: contentHeight)
        case .pageDown: scroll(by: page, contentHeight: contentHeight)
        case .home: scrollToTop()
        case .end: scrollToBottom(contentHeight: contentHeight)
        default: return false
        }
        return true
    }

    /// The lines to draw in a viewport of `height` lines.
    public func visibleLines(contentHeight: Int, height: Int) -> Range<Int> {
        let top = Scrolling.clamp(offset: offset, viewport: height, total: contentHeight)
        return top..<min(contentHeight, top + max(0, height))
    }
}
