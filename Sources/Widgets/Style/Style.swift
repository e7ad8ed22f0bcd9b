/// Text attributes a terminal can show without colour.
public struct TextAttributes: OptionSet, Sendable, Hashable {
    public let rawValue: UInt8
    public init(rawValue: UInt8) { self.rawValue = rawValue }

    public static let bold = TextAttributes(rawValue: 1 << 0)
    public static let dim = TextAttributes(rawValue: 1 << 1)
    public static let reverse = TextAttributes(rawValue: 1 << 2)
    public static let underline = TextAttributes(rawValue: 1 << 3)
    public static let italic = TextAttributes(rawValue: 1 << 4)
}

/// How one cell looks: foreground, background and attributes.
/// Widgets never build styles themselves; they ask a ``Theme`` for the style of a ``Role``.
public struct Style: Sendable, Hashable, CustomStringConvertible {
    public var foreground: Color
    public var background: Color
    public var attributes: TextAttributes

    public init(foreground: Color = .default, background: Color = .default, attributes: TextAttributes = []) {
        self.foreground = foreground
        self.background = background
        self.attributes = attributes
    }

    /// Terminal default colours, no attributes.
    public static let plain = Style()

    public var isBold: Bool { attributes.contains(.bold) }
    public var isDim: Bool { attributes.contains(.dim) }
    public var isReverse: Bool { attributes.contains(.reverse) }
    public var isUnderline: Bool { attributes.contains(.underline) }
    public var isItalic: Bool { attributes.contains(.italic) }

    /// This style with extra attributes switched on.
    public func adding(_ extra: TextAttributes) -> Style {
        var copy = self
        copy.attributes.formUnion(extra)
        return copy
    }

    /// This style drawn on top of `base`: its own colours where it sets them, `base`'s colours
    /// where it leaves the default, and the attributes of both. Used for spans inside bars.
    public func layered(over base: Style) -> Style {
        Style(
            foreground: foreground == .default ? base.foreground : foreground,
            background: background == .default ? base.background : background,
            attributes: attributes.union(base.attributes))
    }

    /// A compact form used in snapshot dumps, e.g. `fg=green bold` or `plain`.
    public var description: String {
        var parts: [String] = []
        if foreground != .default { parts.append("fg=\(foreground)") }
        if background != .default { parts.append("bg=\(background)") }
        let names: [(TextAttributes, String)] = [
            (.bold, "bold"), (.dim, "dim"), (.reverse, "reverse"), (.underline, "underline"), (.italic, "italic"),
        ]
        for (flag, name) in names where attributes.contains(flag) { parts.append(name) }
        return parts.isEmpty ? "plain" : parts.joined(separator: " ")
    }
}
