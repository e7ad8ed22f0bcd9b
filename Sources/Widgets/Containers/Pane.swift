/// A bordered box with a title in its top edge, drawn brighter when it has focus.
/// Render the pane first, then the content into ``inner(_:)``.
///
/// ```
/// ┌─ Peers ──────────┐
/// │                  │
/// └──────────────────┘
/// ```
public struct Pane: Widget, Sendable, Hashable {
    public var title: String?
    public var focused: Bool
    /// An optional note at the right of the bottom edge ("3 of 120").
    public var footer: String?

    public init(title: String? = nil, focused: Bool = false, footer: String? = nil) {
        self.title = title
        self.focused = focused
        self.footer = footer
    }

    /// The space inside the border.
    public static func inner(_ area: Rect) -> Rect {
        area.inset(by: 1)
    }

    /// Clears `area` and draws the border and title.
    public func render(in area: Rect, buffer: inout Buffer, theme: Theme) {
        buffer.fill(area, style: theme[.text])
        Border.draw(
            area, in: &buffer, style: theme[focused ? .borderFocused : .border],
            title: title, titleStyle: theme[focused ? .titleFocused : .title],
            footer: footer, footerStyle: theme[.dim])
    }
}
