/// Flat-tree node indices (the layout of mafintosh/flat-tree, used by Hypercore 10/11).
///
/// A log's blocks are the even nodes: block `i` is node `2i`. Node `index(depth:offset:)` is the
/// `offset`-th node (from the left) at `depth` (leaves have depth 0) and covers the blocks
/// `offset·2^depth ..< (offset+1)·2^depth`. Real indices stay below 2^63 because log lengths are
/// bounded by `maxLength`; for any other input the functions wrap rather than trap, so a garbage
/// index can give a garbage answer but never a crash.
public enum FlatTree {
    /// The longest log this implementation accepts (far beyond any real log; keeps every node
    /// index and byte count clear of UInt64 overflow).
    public static let maxLength: UInt64 = 1 << 62

    /// The node at `depth` and `offset`: `(1 + 2·offset)·2^depth − 1`.
    public static func index(depth: UInt64, offset: UInt64) -> UInt64 {
        ((offset << 1) | 1) << depth &- 1
    }

    /// The leaf node of block `block`.
    public static func leafIndex(block: UInt64) -> UInt64 { block << 1 }

    /// The number of trailing 1-bits of `index`.
    public static func depth(_ index: UInt64) -> UInt64 { UInt64((~index).trailingZeroBitCount) }

    /// The position of `index` among the nodes of its depth.
    public static func offset(_ index: UInt64) -> UInt64 { index >> (depth(index) + 1) }

    public static func parent(_ index: UInt64) -> UInt64 {
        let d = depth(index)
        return self.index(depth: d + 1, offset: offset(index) >> 1)
    }

    public static func sibling(_ index: UInt64) -> UInt64 {
        self.index(depth: depth(index), offset: offset(index) ^ 1)
    }

    /// The left and right children, or nil for a leaf.
    public static func children(_ index: UInt64) -> (left: UInt64, right: UInt64)? {
        let d = depth(index)
        guard d > 0 else { return nil }
        let half = UInt64(1) << (d - 1)
        return (index &- half, index &+ half)
    }

    /// The leftmost leaf node under `index`.
    public static func leftSpan(_ index: UInt64) -> UInt64 { index &- ((UInt64(1) << depth(index)) &- 1) }

    /// The rightmost leaf node under `index`.
    public static func rightSpan(_ index: UInt64) -> UInt64 { index &+ ((UInt64(1) << depth(index)) &- 1) }

    /// The root nodes of a log of `length` blocks, left to right: the largest perfect trees that
    /// fit, as in a binary counter (length 3 → [1, 4], length 5 → [3, 8]).
    public static func fullRoots(forLength length: UInt64) -> [UInt64] {
        var roots: [UInt64] = []
        roots.reserveCapacity(length.nonzeroBitCount)
        var covered: UInt64 = 0
        var remaining = length
        while remaining > 0 {
            let blocks = UInt64(1) << (63 - UInt64(remaining.leadingZeroBitCount))
            roots.append(covered &* 2 &+ blocks &- 1)
            covered += blocks
            remaining -= blocks
        }
        return roots
    }
}
