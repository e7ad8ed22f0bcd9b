@testable import HyphaEngine
@testable import HyphaTUI
import Testing

/// Keyset pagination: anchors from the scan, pages on demand, rescans when the count moves.
@Suite struct TUIEntriesIndexTests {
    static let keys = (0..<1000).map { String(format: "k%04d", $0) }

    static func page(_ index: Int, after: String?, of keys: [String] = keys) -> PageResult {
        let start = index * EntriesIndex.pageSize
        let rows = keys[start..<min(keys.count, start + EntriesIndex.pageSize)].map { Fixtures.entry($0, "v") }
        return PageResult(generation: 1, page: index, after: after, rows: Array(rows))
    }

    @Test func anchorsAreTheLastKeyOfEveryFullPage() {
        #expect(EntriesIndex.anchors(in: Self.keys, scannedBefore: 0) == ["k0255", "k0511", "k0767"])
        // A chunk that starts mid-page continues the count.
        #expect(EntriesIndex.anchors(in: Array(Self.keys[200..<600]), scannedBefore: 200) == ["k0255", "k0511"])
    }

    @Test func scanStepsChainUntilDone() {
        var index = EntriesIndex(prefix: "", generation: 1)
        let start = index.startCommands()
        #expect(start.contains(.scanKeys(generation: 1, scanGeneration: 0, prefix: "", after: nil, scanned: 0)))
        let next = index.receive(KeyScan(generation: 1, scanGeneration: 0, anchors: ["k0255"], lastKey: "k0299",
                                         scanned: 300, done: false))
        #expect(next == [.scanKeys(generation: 1, scanGeneration: 0, prefix: "", after: "k0299", scanned: 300)])
        #expect(index.start(ofPage: 1) == .after("k0255"))
        #expect(index.start(ofPage: 2) == nil)
        #expect(index.rowCount == 300)
        #expect(index.receive(KeyScan(generation: 1, scanGeneration: 0, anchors: [], lastKey: "k0310",
                                      scanned: 311, done: true)).isEmpty)
        #expect(index.isScanComplete)
        #expect(index.rowCount == 311)
        // Another generation's steps are ignored.
        #expect(index.receive(KeyScan(generation: 9, scanGeneration: 0, anchors: ["x"], lastKey: nil, scanned: 5, done: true)).isEmpty)
        #expect(index.rowCount == 311)
    }

    @Test func pagesAreRequestedOnceAndOnlyWhenReachable() {
        var index = EntriesIndex(prefix: "p", generation: 1)
        _ = index.receive(count: 1000, generation: 1)
        #expect(index.requestPages(covering: 0..<20) == [.loadPage(generation: 1, prefix: "p", page: 0, after: nil)])
        #expect(index.requestPages(covering: 0..<20).isEmpty)  // in flight
        index.receive(Self.page(0, after: nil), keepingNear: 0)
        #expect(index.row(3)?.key == "k0003")
        #expect(index.row(300) == nil)
        // Page 1 is unreachable until the scan finds its anchor.
        #expect(index.requestPages(covering: 250..<270).isEmpty)
        _ = index.receive(KeyScan(generation: 1, scanGeneration: 0, anchors: ["k0255", "k0511", "k0767"],
                                  lastKey: "k0999", scanned: 1000, done: true))
        #expect(index.requestPages(covering: 250..<270) == [
            .loadPage(generation: 1, prefix: "p", page: 1, after: "k0255"),
            .loadPage(generation: 1, prefix: "p", page: 2, after: "k0511"),
        ])
        index.receive(Self.page(1, after: "k0255"), keepingNear: 260)
        #expect(index.row(260)?.key == "k0260")
        // A page whose start moved meanwhile is refused.
        let accepted = index.receive(Self.page(2, after: "k0500"), keepingNear: 260)
        #expect(!accepted)
    }

    @Test func aCountChangeAfterTheScanRebuildsTheAnchors() {
        var index = EntriesIndex(prefix: "", generation: 1)
        _ = index.receive(KeyScan(generation: 1, scanGeneration: 0, anchors: ["k0255"], lastKey: "k0299", scanned: 300, done: true))
        index.receive(Self.page(0, after: nil), keepingNear: 0)
        #expect(index.receive(count: 300, generation: 1).isEmpty)
        let changes = index.invalidate()
        #expect(changes == [.count(generation: 1, prefix: "")])
        #expect(index.pages[0]?.stale == true)
        #expect(index.row(0)?.key == "k0000")  // still shown while reloading
        let rescan = index.receive(count: 301, generation: 1)
        #expect(rescan == [.scanKeys(generation: 1, scanGeneration: 1, prefix: "", after: nil, scanned: 0)])
        // The old scan's late steps no longer count; the rescan swaps in new anchors.
        #expect(index.receive(KeyScan(generation: 1, scanGeneration: 0, anchors: ["zzz"], lastKey: nil, scanned: 9, done: true)).isEmpty)
        _ = index.receive(KeyScan(generation: 1, scanGeneration: 1, anchors: ["k0254"], lastKey: "k0300", scanned: 301, done: true))
        #expect(index.start(ofPage: 1) == .after("k0254"))
        #expect(index.rowCount == 301)
    }

    @Test func theCacheKeepsPagesNearTheSelection() {
        var index = EntriesIndex(prefix: "", generation: 1)
        let many = (0..<(EntriesIndex.pageSize * 60)).map { String(format: "k%06d", $0) }
        _ = index.receive(KeyScan(generation: 1, scanGeneration: 0,
                                  anchors: EntriesIndex.anchors(in: many, scannedBefore: 0),
                                  lastKey: many.last, scanned: many.count, done: true))
        for page in 0..<60 {
            let start = index.start(ofPage: page)?.key
            index.receive(Self.page(page, after: start, of: many), keepingNear: page * EntriesIndex.pageSize)
        }
        #expect(index.pages.count == EntriesIndex.maxCachedPages)
        #expect(index.pages[59] != nil)
        #expect(index.pages[0] == nil)
    }
}
