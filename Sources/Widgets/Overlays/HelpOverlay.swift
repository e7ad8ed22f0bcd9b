/// A titled group of key bindings ("Entries", "Peers", "Everywhere"), each a ``KeyHint``: the
/// keys as the person types them and what they do.
public struct HelpSection: Sendable, Hashable {
    public var title: String
    public var bindings: [KeyHint]

    public init(_ title: String, _ bindings: [KeyHint]) {
        self.title = title
        self.bindings = bindings
    }
}

/// A centred, scrollable overlay listing key bindings by section. It clears what is under it;
/// when the content is taller than the overlay, the bottom edge shows which lines are visible.
/// Scroll it with a ``ScrollState`` and ``lineCount`` as the content height.
public struct HelpOverlay: Widget, Sendable, Hashable {
    public var title: String
    public var sections: [HelpSection]
    public var state: ScrollState
    public var maxWidth: Int

    public init(title: String = "Keys", sections: [HelpSection], state: ScrollState = ScrollState(), maxWidth: Int = 72) {
        self.title = title
        self.sections = sections
        self.state = state
        self.maxWidth = maxWidth
    }

    /// Lines of content: a heading per section, its bindings, and a blank line between sections.
    public var lineCount: Int {
        sections.reduce(0) { $0 + 1 + $1.bindings.count } + max(0, sections.count - 1)
    }

    /// The rectangle the overlay occupies when centred in `area`; its height minus 2 is the
    /// viewport height for the ``ScrollState``.
    public func frame(in area: Rect) -> Rect {
        let widest = sections.flatMap(\.bindings).map { indent + keyColumnWidth + 2 + TextWidth.of($0.label) }.max() ?? 0
        let width = min(max(widest + 4, TextWidth.of(title) + 8, 30), maxWidth, area.width)
        return area.centred(width: width, height: min(lineCount + 2, area.height))
    }

    public func render(in area: Rect, buffer: inout Buffer, theme: Theme) {
        let frame = frame(in: area)
        guard frame.width >= 6, frame.height >= 3 else { return }
        let inner = frame.inset(top: 1, left: 2, bottom: 1, right: 2)
        let rows = state.visibleLines(contentHeight: lineCount, height: inner.height)
        let footer = rows.count < lineCount ? "\(rows.lowerBound + 1)-\(rows.upperBound) of \(lineCount)" : nil
        buffer.fill(frame, style: theme[.modal])
        Border.draw(
            frame, in: &buffer, style: theme[.modalBorder], title: title, titleStyle: theme[.modalTitle],
            footer: footer, footerStyle: theme[.modalFooter])

        let keyWidth = min(keyColumnWidth, (inner.width - indent) / 2)
        let content = lines
        for (i, index) in rows.enumerated() {
            let y = inner.y + i
            switch content[index] {
            case .blank:
                continue
            case .heading(let text):
                buffer.put(TextWidth.truncate(text, to: inner.width), x: inner.x, y: y, style: theme[.helpSection])
            case .binding(let binding):
                buffer.put(TextWidth.fit(binding.key, to: keyWidth), x: inner.x + indent, y: y, style: theme[.helpKey])
                let actionX = inner.x + indent + keyWidth + 2
                buffer.put(
                    TextWidth.truncate(binding.label, to: inner.maxX - actionX), x: actionX, y: y,
                    style: theme[.modal])
            }
        }
    }

    private enum Content {
        case heading(String), binding(KeyHint), blank
    }

    private var lines: [Content] {
        var out: [Content] = []
        for (i, section) in sections.enumerated() {
            if i > 0 { out.append(.blank) }
            out.append(.heading(section.title))
            out.append(contentsOf: section.bindings.map(Content.binding))
        }
        return out
    }

    /// Bindings are indented under their heading.
    private let indent = 2

    private var keyColumnWidth: Int {
        sections.flatMap(\.bindings).map { TextWidth.of($0.key) }.max() ?? 0
    }
}
