/// How much of a row or column one part of a split takes.
public enum Constraint: Sendable, Hashable {
    /// Exactly this many cells (less if the space runs out).
    case fixed(Int)
    /// This percentage of the whole length, rounded down.
    case percent(Int)
    /// A share of what is left after fixed and percent parts, by weight.
    case fill(Int = 1)
}

extension Rect {
    /// Splits the rectangle top to bottom into one rectangle per constraint.
    public func rows(_ constraints: [Constraint], spacing: Int = 0) -> [Rect] {
        Layout.split(length: height, constraints, spacing: spacing).map {
            Rect(x: x, y: y + $0.start, width: width, height: $0.length)
        }
    }

    /// Splits the rectangle left to right into one rectangle per constraint.
    public func columns(_ constraints: [Constraint], spacing: Int = 0) -> [Rect] {
        Layout.split(length: width, constraints, spacing: spacing).map {
            Rect(x: x + $0.start, y: y, width: $0.length, height: height)
        }
    }
}

/// One-dimensional layout shared by row/column splits and table columns.
public enum Layout {
    /// A run of cells along one axis.
    public struct Segment: Sendable, Hashable {
        public var start: Int
        public var length: Int
    }

    /// Cuts `length` cells into segments, `spacing` cells apart.
    ///
    /// Fixed and percent parts are served first, in order, until the space runs out; fill parts
    /// share the rest by weight, and the cells left by rounding go one each to the first fills.
    /// If there is no fill part, unused space stays at the end.
    public static func split(length: Int, _ constraints: [Constraint], spacing: Int = 0) -> [Segment] {
        guard !constraints.isEmpty else { return [] }
        let total = max(0, length)
        let gaps = max(0, spacing) * (constraints.count - 1)
        var remaining = max(0, total - gaps)
        var sizes = [Int](repeating: 0, count: constraints.count)

        for (i, c) in constraints.enumerated() {
            let want: Int
            switch c {
            case .fixed(let n): want = max(0, n)
            case .percent(let p): want = total * min(max(0, p), 100) / 100
            case .fill: continue
            }
            sizes[i] = min(want, remaining)
            remaining -= sizes[i]
        }

        let weights = constraints.map { c -> Int in
            if case .fill(let w) = c { return max(0, w) }
            return 0
        }
        let totalWeight = weights.reduce(0, +)
        if totalWeight > 0 {
            var given = 0
            for i in weights.indices where weights[i] > 0 {
                sizes[i] = remaining * weights[i] / totalWeight
                given += sizes[i]
            }
            var leftover = remaining - given
            for i in weights.indices where weights[i] > 0 && leftover > 0 {
                sizes[i] += 1
                leftover -= 1
            }
        }

        var segments: [Segment] = []
        segments.reserveCapacity(sizes.count)
        var cursor = 0
        for size in sizes {
            let start = min(cursor, total)
            let len = min(size, total - start)
            segments.append(Segment(start: start, length: len))
            cursor = start + len + max(0, spacing)
        }
        return segments
    }
}
