/// The one scrolling rule shared by lists, tables, text inputs and overlays.
enum Scrolling {
    /// The smallest change to `offset` that shows `[start, start + length)` inside a viewport of
    /// `viewport` units, never scrolling past `total` (the content size).
    static func keepVisible(offset: Int, start: Int, length: Int = 1, viewport: Int, total: Int) -> Int {
        guard viewport > 0 else { return max(0, start) }
        var o = offset
        if start + length > o + viewport { o = start + length - viewport }
        if start < o { o = start }
        return clamp(offset: o, viewport: viewport, total: total)
    }

    /// `offset` limited to `0...max(0, total - viewport)`.
    static func clamp(offset: Int, viewport: Int, total: Int) -> Int {
        min(max(0, offset), max(0, total - viewport))
    }
}
