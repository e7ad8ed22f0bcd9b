/// A rectangle of cells. Widgets render inside one; layout helpers cut one into smaller ones.
/// Width and height are never negative: every operation clamps them to zero.
public struct Rect: Sendable, Hashable, CustomStringConvertible {
    public var x: Int
    public var y: Int
    public var width: Int
    public var height: Int

    public init(x: Int, y: Int, width: Int, height: Int) {
        self.x = x
        self.y = y
        self.width = max(0, width)
        self.height = max(0, height)
    }

    /// A rectangle at the origin with the given size (a whole screen or buffer).
    public init(_ size: Size) {
        self.init(x: 0, y: 0, width: size.width, height: size.height)
    }

    public static let zero = Rect(x: 0, y: 0, width: 0, height: 0)

    public var size: Size { Size(width: width, height: height) }
    public var isEmpty: Bool { width == 0 || height == 0 }
    /// One past the last column.
    public var maxX: Int { x + width }
    /// One past the last row.
    public var maxY: Int { y + height }
    public var area: Int { width * height }

    public func contains(_ p: Position) -> Bool {
        p.x >= x && p.x < maxX && p.y >= y && p.y < maxY
    }

    /// The overlap of two rectangles (empty, at `self`'s origin, when they do not overlap).
    public func intersection(_ other: Rect) -> Rect {
        let left = max(x, other.x), top = max(y, other.y)
        let right = min(maxX, other.maxX), bottom = min(maxY, other.maxY)
        guard right > left, bottom > top else { return Rect(x: x, y: y, width: 0, height: 0) }
        return Rect(x: left, y: top, width: right - left, height: bottom - top)
    }

    /// The rectangle shrunk by `n` cells on every side.
    public func inset(by n: Int) -> Rect {
        inset(top: n, left: n, bottom: n, right: n)
    }

    /// The rectangle shrunk by the given margins; it never grows and never goes negative.
    public func inset(top: Int = 0, left: Int = 0, bottom: Int = 0, right: Int = 0) -> Rect {
        let t = max(0, top), l = max(0, left), b = max(0, bottom), r = max(0, right)
        let w = max(0, width - l - r), h = max(0, height - t - b)
        return Rect(x: x + min(l, width), y: y + min(t, height), width: w, height: h)
    }

    /// A rectangle of at most `width`×`height`, centred in this one (rounded towards the top-left).
    public func centred(width w: Int, height h: Int) -> Rect {
        let cw = min(max(0, w), width), ch = min(max(0, h), height)
        return Rect(x: x + (width - cw) / 2, y: y + (height - ch) / 2, width: cw, height: ch)
    }

    /// Row `i` of this rectangle as a one-row rectangle (empty when out of range).
    public func row(_ i: Int) -> Rect {
        guard i >= 0, i < height else { return Rect(x: x, y: y, width: 0, height: 0) }
        return Rect(x: x, y: y + i, width: width, height: 1)
    }

    /// The last `n` rows (a footer or key-hint bar), clamped to the height.
    public func bottom(_ n: Int) -> Rect {
        let h = min(max(0, n), height)
        return Rect(x: x, y: maxY - h, width: width, height: h)
    }

    /// The first `n` rows, clamped to the height.
    public func top(_ n: Int) -> Rect {
        Rect(x: x, y: y, width: width, height: min(max(0, n), height))
    }

    public var description: String { "(\(x), \(y)) \(width)x\(height)" }
}
