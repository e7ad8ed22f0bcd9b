/// Something that draws itself into a rectangle of a ``Buffer``.
///
/// The render contract, which every widget in this module keeps:
/// - it writes only inside `area` (clipped to the buffer), and draws nothing when `area` is too
///   small for it rather than failing;
/// - it takes its looks from `theme` by ``Role``, never from raw colours;
/// - it is a pure function of its own value: no timers, no I/O, no global state. State that
///   persists between frames (selection, scroll, text being edited) lives in a separate
///   `…State` struct that the app owns and passes in when building the widget;
/// - it never changes that state: when a stored scroll offset would hide the selection or
///   cursor (because the area changed size), rendering scrolls just enough to show it.
public protocol Widget {
    func render(in area: Rect, buffer: inout Buffer, theme: Theme)
}

extension Buffer {
    /// Renders `widget` into `area` (the whole buffer by default).
    public mutating func render(_ widget: some Widget, in area: Rect? = nil, theme: Theme) {
        widget.render(in: area ?? self.area, buffer: &self, theme: theme)
    }
}
