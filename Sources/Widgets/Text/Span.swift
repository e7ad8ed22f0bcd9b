/// A piece of text drawn with one role.
public struct Span: Sendable, Hashable, ExpressibleByStringLiteral {
    public var text: String
    public var role: Role

    public init(_ text: String, role: Role = .text) {
        self.text = text
        self.role = role
    }

    public init(stringLiteral value: String) {
        self.init(value)
    }
}

/// One row of text made of spans with different roles, e.g. `["synced ", Span("3 conflicts", role: .conflict)]`.
public struct Line: Sendable, Hashable, ExpressibleByStringLiteral, ExpressibleByArrayLiteral {
    public var spans: [Span]

    public init(_ spans: [Span]) {
        self.spans = spans
    }

    public init(_ text: String, role: Role = .text) {
        self.spans = [Span(text, role: role)]
    }

    public init(stringLiteral value: String) {
        self.init(value)
    }

    public init(arrayLiteral elements: Span...) {
        self.spans = elements
    }

    /// The text without roles.
    public var plainText: String { spans.map(\.text).joined() }

    /// Cells taken by the whole line.
    public var width: Int { spans.reduce(0) { $0 + TextWidth.of($1.text) } }

    /// The line cut to `width` cells, ending in "…" (in the role of the span that was cut)
    /// when something was cut.
    public func truncated(to width: Int) -> Line {
        guard width > 0 else { return Line([]) }
        if self.width <= width { return self }
        var out: [Span] = []
        var used = 0
        for span in spans {
            let w = TextWidth.of(span.text)
            if used + w <= width - 1 {
                out.append(span)
                used += w
                continue
            }
            let head = TextWidth.prefix(span.text, fitting: width - 1 - used)
            out.append(Span(head + String(TextWidth.ellipsis), role: span.role))
            break
        }
        return Line(out)
    }
}
