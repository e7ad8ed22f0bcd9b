import HyphaEngine

/// The entries list over any number of keys, without OFFSET scans (keyset pagination).
///
/// Rows are grouped in pages of `pageSize` keys. Page 0 starts at the first key (of the
/// prefix); page k+1 starts after `anchors[k]`, the last key of page k. A background scan
/// reads keys only (no values, no decryption) in chunks and records every page's anchor, so
/// any row index maps to one `list(after: anchor, limit: pageSize)` query. Only pages near
/// what is on screen are loaded (with values) and cached; the count comes from `count(prefix:)`
/// asynchronously, and the scan is restarted when it changes.
struct EntriesIndex: Equatable {
    static let pageSize = 256
    static let scanChunk = 4096
    static let maxCachedPages = 48

    struct Page: Equatable {
        var after: String?
        var rows: [EntrySummary]
        /// The database changed since it was loaded: shown until its reload arrives.
        var stale = false
    }

    /// Where a page starts.
    enum PageStart: Equatable {
        case beginning
        case after(String)

        var key: String? {
            if case let .after(key) = self { return key }
            return nil
        }
    }

    let prefix: String
    /// Changes with the prefix: results of older generations are dropped.
    let generation: Int
    private(set) var anchors: [String] = []
    private(set) var count: Int?
    private(set) var pages: [Int: Page] = [:]
    private(set) var requested: Set<Int> = []
    private var scan: Scan

    private struct Scan: Equatable {
        var generation = 0
        var scanned = 0
        var done = false
        /// A rescan collects anchors here and swaps them in when it completes.
        var isRescan = false
        var anchors: [String] = []
    }

    init(prefix: String, generation: Int) {
        self.prefix = prefix
        self.generation = generation
        self.scan = Scan()
    }

    /// The first page, the count and the scan.
    func startCommands() -> [Command] {
        [
            .loadPage(generation: generation, prefix: prefix, page: 0, after: nil),
            .count(generation: generation, prefix: prefix),
            scanCommand(after: nil, scanned: 0),
        ]
    }

    /// Rows the list shows: the count once known, else what is known so far.
    var rowCount: Int {
        if let count { return count }
        return max(scan.scanned, pages[0]?.rows.count ?? 0)
    }

    var isScanComplete: Bool { scan.done }

    /// The row at `index`, if its page is loaded.
    func row(_ index: Int) -> EntrySummary? {
        guard index >= 0, let page = pages[index / Self.pageSize] else { return nil }
        let offset = index % Self.pageSize
        return offset < page.rows.count ? page.rows[offset] : nil
    }

    /// Where page `page` starts, if the scan got that far.
    func start(ofPage page: Int) -> PageStart? {
        if page == 0 { return .beginning }
        return page - 1 < anchors.count ? .after(anchors[page - 1]) : nil
    }

    // MARK: Loading what is visible

    /// Load commands for the pages covering `visible` (and one page either side), skipping
    /// pages that are loaded, in flight or not yet reachable.
    mutating func requestPages(covering visible: Range<Int>) -> [Command] {
        guard !visible.isEmpty else { return requestPage(0).map { [$0] } ?? [] }
        let first = max(0, visible.lowerBound / Self.pageSize - 1)
        let last = (visible.upperBound - 1) / Self.pageSize + 1
        return (first...last).compactMap { requestPage($0) }
    }

    /// The load command for the page that holds `key` (or would), if the scan got that far.
    mutating func requestPage(holding key: String) -> Command? {
        var low = 0, high = anchors.count
        while low < high {
            let mid = (low + high) / 2
            if Self.precedes(anchors[mid], key) { low = mid + 1 } else { high = mid }
        }
        guard low < anchors.count || scan.done else { return nil }
        return requestPage(low)
    }

    private mutating func requestPage(_ page: Int) -> Command? {
        if let loaded = pages[page], !loaded.stale { return nil }
        guard !requested.contains(page), let start = start(ofPage: page) else { return nil }
        if page > 0, let count, page * Self.pageSize >= count { return nil }
        requested.insert(page)
        return .loadPage(generation: generation, prefix: prefix, page: page, after: start.key)
    }

    /// Stores a loaded page. Returns false when it belongs to another generation or its page
    /// now starts elsewhere (the caller asks again).
    @discardableResult
    mutating func receive(_ result: PageResult, keepingNear selected: Int?) -> Bool {
        guard result.generation == generation else { return false }
        requested.remove(result.page)
        guard start(ofPage: result.page)?.key == result.after else { return false }
        pages[result.page] = Page(after: result.after, rows: result.rows)
        if result.page == 0, scan.done == false, result.rows.count < Self.pageSize, count == nil {
            count = result.rows.count
        }
        evict(keepingNear: (selected ?? 0) / Self.pageSize)
        return true
    }

    private mutating func evict(keepingNear page: Int) {
        guard pages.count > Self.maxCachedPages else { return }
        let farthest = pages.keys.sorted { abs($0 - page) > abs($1 - page) }
        for key in farthest.prefix(pages.count - Self.maxCachedPages) { pages.removeValue(forKey: key) }
    }

    // MARK: Counting and scanning

    /// A count arrived. When it differs from what the finished scan saw, keys were added or
    /// removed: the anchors are rebuilt by a rescan.
    mutating func receive(count newCount: Int, generation: Int) -> [Command] {
        guard generation == self.generation else { return [] }
        let changed = count != nil && count != newCount
        count = newCount
        guard changed, scan.done else { return [] }
        scan = Scan(generation: scan.generation + 1, isRescan: true)
        return [scanCommand(after: nil, scanned: 0)]
    }

    /// One scan step arrived: record its anchors and ask for the next step.
    mutating func receive(_ step: KeyScan) -> [Command] {
        guard step.generation == generation, step.scanGeneration == scan.generation else { return [] }
        if scan.isRescan {
            scan.anchors.append(contentsOf: step.anchors)
        } else {
            anchors.append(contentsOf: step.anchors)
        }
        scan.scanned = step.scanned
        guard step.done else { return [scanCommand(after: step.lastKey, scanned: step.scanned)] }
        scan.done = true
        count = step.scanned
        if scan.isRescan {
            if scan.anchors != anchors {
                anchors = scan.anchors
                markStale()
            }
            scan.anchors = []
        }
        return []
    }

    private func scanCommand(after: String?, scanned: Int) -> Command {
        .scanKeys(generation: generation, scanGeneration: scan.generation, prefix: prefix, after: after, scanned: scanned)
    }

    // MARK: Changes

    /// The database changed: every cached page is reloaded when next visible (shown meanwhile),
    /// and the count is checked.
    mutating func invalidate() -> [Command] {
        markStale()
        return [.count(generation: generation, prefix: prefix)]
    }

    private mutating func markStale() {
        for key in pages.keys { pages[key]?.stale = true }
        requested.removeAll()
    }
}

extension EntriesIndex {
    /// Key order as the database sorts (bytes of UTF-8).
    static func precedes(_ a: String, _ b: String) -> Bool { a.utf8.lexicographicallyPrecedes(b.utf8) }

    /// Where `key` is among the loaded, fresh pages: its row (`exact`), or the row of the
    /// first key after it when it is gone. Nil when no fresh page covers that part of the
    /// order (the caller waits for it to load).
    func position(of key: String) -> (index: Int, exact: Bool)? {
        for (number, page) in pages where !page.stale {
            if let after = page.after, !Self.precedes(after, key) { continue }
            let rows = page.rows
            var low = 0, high = rows.count
            while low < high {
                let mid = (low + high) / 2
                if Self.precedes(rows[mid].key, key) { low = mid + 1 } else { high = mid }
            }
            if low < rows.count { return (number * Self.pageSize + low, rows[low].key == key) }
            // Past this page's last row: only an answer when this is the last page.
            if rows.count < Self.pageSize, !rows.isEmpty { return (number * Self.pageSize + rows.count - 1, false) }
        }
        return nil
    }
}

extension EntriesIndex {
    /// The anchors found in one scanned chunk that starts after `scanned` keys: the last key of
    /// every page that ends inside the chunk.
    static func anchors(in keys: [String], scannedBefore scanned: Int) -> [String] {
        keys.enumerated().compactMap { offset, key in
            (scanned + offset + 1) % pageSize == 0 ? key : nil
        }
    }
}
