import Foundation

/// The EFF large Diceware wordlist (7776 words, CC-BY 3.0 US, Electronic Frontier Foundation),
/// shipped as a resource of this module; see Resources/WORDLIST-NOTICE.txt.
public struct Wordlist: Sendable {
    public static let expectedCount = 7776

    /// The words in list order (also lexicographic order of their bytes).
    public let words: [String]
    private let sortedBytes: [[UInt8]]

    /// The bundled list, loaded once. A missing or damaged resource (a broken installation) is an
    /// error the caller reports, never a trap.
    public static func eff() throws -> Wordlist { try bundled.get() }
    private static let bundled = Result { try Wordlist.loadBundled() }

    public init(words: [String]) {
        self.words = words
        self.sortedBytes = words.map { Array($0.utf8) }.sorted { $0.lexicographicallyPrecedes($1) }
    }

    static func loadBundled() throws -> Wordlist {
        guard let url = Bundle.module.url(forResource: "eff_large_wordlist", withExtension: "txt"),
              let text = try? String(contentsOf: url, encoding: .utf8) else {
            throw InstallationError.wordlistUnusable
        }
        let words = text.split(separator: "\n").compactMap { line -> String? in
            let parts = line.split(separator: "\t")
            return parts.count == 2 ? String(parts[1]) : nil
        }
        guard words.count == expectedCount else { throw InstallationError.wordlistUnusable }
        return Wordlist(words: words)
    }

    /// Whether `token` (lower-case ASCII bytes) is a list word, by binary search without copying it.
    public func contains(_ token: UnsafeRawBufferPointer) -> Bool {
        var low = 0, high = sortedBytes.count - 1
        while low <= high {
            let mid = (low + high) / 2
            let order = compare(sortedBytes[mid], token)
            if order == 0 { return true }
            if order < 0 { low = mid + 1 } else { high = mid - 1 }
        }
        return false
    }

    public func contains(_ word: String) -> Bool {
        Array(word.utf8).withUnsafeBytes { contains($0) }
    }

    /// The list word nearest to `word` by edit distance (ties: the earlier word).
    public func nearest(to word: String) -> String? {
        let target = Array(word.utf8.prefix(64))
        var best: (distance: Int, word: String)?
        for candidate in words {
            let d = Self.editDistance(target, Array(candidate.utf8), bound: best?.distance ?? Int.max)
            if d < (best?.distance ?? Int.max) { best = (d, candidate) }
        }
        guard let best, best.distance <= max(2, target.count / 2) else { return nil }
        return best.word
    }

    private func compare(_ a: [UInt8], _ b: UnsafeRawBufferPointer) -> Int {
        let n = min(a.count, b.count)
        for i in 0..<n where a[i] != b[i] { return a[i] < b[i] ? -1 : 1 }
        return a.count == b.count ? 0 : (a.count < b.count ? -1 : 1)
    }

    /// Levenshtein distance; stops early once every cell of a row exceeds `bound`.
    static func editDistance(_ a: [UInt8], _ b: [UInt8], bound: Int) -> Int {
        if a.isEmpty { return b.count }
        if b.isEmpty { return a.count }
        var previous = Array(0...b.count)
        var current = [Int](repeating: 0, count: b.count + 1)
        for i in 1...a.count {
            current[0] = i
            var rowMin = current[0]
            for j in 1...b.count {
                let cost = a[i - 1] == b[j - 1] ? 0 : 1
                current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost)
                rowMin = min(rowMin, current[j])
            }
            if rowMin > bound { return rowMin }
            swap(&previous, &current)
        }
        return previous[b.count]
    }
}

/// A file that ships with hypha is missing or damaged.
public enum InstallationError: UserFacingError {
    case wordlistUnusable

    public var description: String {
        switch self {
        case .wordlistUnusable: "the word list that ships with hypha is missing or damaged: reinstall hypha"
        }
    }
}
