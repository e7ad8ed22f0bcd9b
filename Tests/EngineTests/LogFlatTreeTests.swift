import Testing
@testable import HyphaEngine

/// Flat-tree arithmetic checked against a naive construction: a perfect binary tree over 128
/// leaves built with explicit child links and numbered by in-order traversal (which is what the
/// flat-tree layout is).
@Suite struct LogFlatTreeTests {
    struct NaiveNode {
        var depth: UInt64
        var firstLeaf: UInt64   // block index of the leftmost block covered
        var leafCount: UInt64
        var parent: UInt64?
        var left: UInt64?
        var right: UInt64?
    }

    static let leaves: UInt64 = 128

    /// index → node, numbered in order.
    static let naive: [UInt64: NaiveNode] = {
        var nodes: [UInt64: NaiveNode] = [:]
        var next: UInt64 = 0
        func build(depth: UInt64, firstLeaf: UInt64) -> UInt64 {
            guard depth > 0 else {
                defer { next += 1 }
                nodes[next] = NaiveNode(depth: 0, firstLeaf: firstLeaf, leafCount: 1)
                return next
            }
            let half = UInt64(1) << (depth - 1)
            let left = build(depth: depth - 1, firstLeaf: firstLeaf)
            let me = next
            next += 1
            let right = build(depth: depth - 1, firstLeaf: firstLeaf + half)
            nodes[me] = NaiveNode(depth: depth, firstLeaf: firstLeaf, leafCount: 2 * half, left: left, right: right)
            nodes[left]!.parent = me
            nodes[right]!.parent = me
            return me
        }
        _ = build(depth: 7, firstLeaf: 0)
        return nodes
    }()

    @Test func indicesMatchTheNaiveTree() throws {
        for (index, node) in Self.naive {
            #expect(FlatTree.depth(index) == node.depth)
            let offset = node.firstLeaf / node.leafCount
            #expect(FlatTree.offset(index) == offset)
            #expect(FlatTree.index(depth: node.depth, offset: offset) == index)
            #expect(FlatTree.leftSpan(index) == 2 * node.firstLeaf)
            #expect(FlatTree.rightSpan(index) == 2 * (node.firstLeaf + node.leafCount - 1))
            if let parent = node.parent {
                #expect(FlatTree.parent(index) == parent)
                let siblings = try #require(FlatTree.children(parent))
                #expect(FlatTree.sibling(index) == (siblings.left == index ? siblings.right : siblings.left))
            }
            if let left = node.left, let right = node.right {
                let children = try #require(FlatTree.children(index))
                #expect(children.left == left && children.right == right)
            } else {
                #expect(FlatTree.children(index) == nil)
            }
        }
        #expect(FlatTree.leafIndex(block: 5) == 10)
        // Indices no real log reaches give some answer, never a trap.
        for index in [UInt64.max, UInt64.max - 1, UInt64(1) << 63, (UInt64(1) << 63) - 1] {
            _ = (FlatTree.depth(index), FlatTree.offset(index), FlatTree.parent(index), FlatTree.sibling(index),
                 FlatTree.children(index), FlatTree.leftSpan(index), FlatTree.rightSpan(index))
        }
        #expect(FlatTree.fullRoots(forLength: .max).count == 64)
        #expect(FlatTree.parent(0) == 1 && FlatTree.parent(1) == 3 && FlatTree.sibling(4) == 6 && FlatTree.sibling(5) == 1)
    }

    /// The roots of a log of L blocks: the nodes covering only blocks < L whose parent covers a
    /// block ≥ L (or that have no parent), left to right.
    @Test func fullRootsMatchTheNaiveDefinition() {
        for length in UInt64(0)...64 {
            let naive = Self.naive.filter { index, node in
                guard node.firstLeaf + node.leafCount <= length else { return false }
                guard let parent = node.parent, let p = Self.naive[parent] else { return true }
                return p.firstLeaf + p.leafCount > length
            }.keys.sorted()
            #expect(FlatTree.fullRoots(forLength: length) == naive, "length \(length)")
        }
        #expect(FlatTree.fullRoots(forLength: 3) == [1, 4])
        // The longest accepted log: one root over 2^62 blocks; one block less ends on a leaf.
        #expect(FlatTree.fullRoots(forLength: FlatTree.maxLength) == [FlatTree.maxLength - 1])
        let almost = FlatTree.fullRoots(forLength: FlatTree.maxLength - 1)
        #expect(almost.count == 62 && almost.last == FlatTree.leafIndex(block: FlatTree.maxLength - 2))
    }
}
