/// Horizontal placement of text inside a wider space.
public enum Alignment: Sendable, Hashable {
    case left, centre, right
}

/// Widths of text in terminal cells, and the cutting, padding and wrapping built on them.
///
/// Widths follow the ``Buffer`` rules exactly: one `Character` (grapheme cluster) at a time,
/// libc `wcwidth` of its first scalar (so CJK takes 2 cells, combining marks 0 extra), control
/// and other unprintable characters count as one cell (they are drawn as U+FFFD), and lone
/// zero-width graphemes count as nothing.
public enum TextWidth {
    /// The ellipsis used when text is cut: one cell wide.
    public static let ellipsis: Character = "…"

    /// Cells taken by `text`.
    public static func of(_ text: String) -> Int {
        var total = 0
        for ch in text { total += Glyph.width(ch) }
        return total
    }

    /// Cells taken by one character.
    public static func of(_ ch: Character) -> Int {
        Glyph.width(ch)
    }

    /// `text` cut to at most `width` cells, ending in "…" when something was cut.
    /// A wide character that would straddle the limit is dropped whole, so the result can be one
    /// cell narrower than `width`.
    public static func truncate(_ text: String, to width: Int) -> String {
        guard width > 0 else { return "" }
        if of(text) <= width { return text }
        let kept = prefix(text, fitting: width - 1)
        return kept + String(ellipsis)
    }

    /// `text` cut to `width` cells with ``truncate(_:to:)`` and then padded with spaces to exactly
    /// `width` cells, placed according to `alignment`.
    public static func fit(_ text: String, to width: Int, alignment: Alignment = .left) -> String {
        guard width > 0 else { return "" }
        let cut = truncate(text, to: width)
        let gap = width - of(cut)
        switch alignment {
        case .left: return cut + spaces(gap)
        case .right: return spaces(gap) + cut
        case .centre: return spaces(gap / 2) + cut + spaces(gap - gap / 2)
        }
    }

    /// The longest prefix of `text` that takes at most `width` cells (no ellipsis).
    public static func prefix(_ text: String, fitting width: Int) -> String {
        var used = 0
        var end = text.startIndex
        for index in text.indices {
            let w = Glyph.width(text[index])
            if used + w > width { break }
            used += w
            end = text.index(after: index)
        }
        return String(text[..<end])
    }

    /// Word-wraps `text` into lines of at most `width` cells. Existing newlines are kept, runs of
    /// spaces between words collapse at line breaks, and a word longer than a line is split.
    public static func wrap(_ text: String, width: Int) -> [String] {
        guard width > 0 else { return [] }
        var lines: [String] = []
        for paragraph in text.split(separator: "\n", omittingEmptySubsequences: false) {
            var line = ""
            var lineWidth = 0
            for word in paragraph.split(separator: " ") {
                var rest = String(word)
                var restWidth = of(rest)
                if lineWidth > 0 && lineWidth + 1 + restWidth <= width {
                    line += " " + rest
                    lineWidth += 1 + restWidth
                    continue
                }
                if lineWidth > 0 { lines.append(line) }
                while restWidth > width {
                    let head = prefix(rest, fitting: width)
                    guard !head.isEmpty else { break }
                    lines.append(head)
                    rest.removeFirst(head.count)
                    restWidth = of(rest)
                }
                line = rest
                lineWidth = restWidth
            }
            lines.append(line)
        }
        return lines
    }

    static func spaces(_ n: Int) -> String {
        n > 0 ? String(repeating: " ", count: n) : ""
    }
}
