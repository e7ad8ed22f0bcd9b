import Foundation
import HyphaEngine

/// Search (`/`): keys and values that contain the query, case-insensitively. Values are stored
/// encrypted, so no index can answer; the effects runner reads the entries in key order in
/// chunks (keys and decrypted values), keeps the matches and reports progress after every
/// chunk. Typing a new query or Esc starts a new generation, and steps of older generations
/// are dropped (the runner skips them before decrypting anything): cancelling is immediate.
struct SearchState: Equatable {
    static let chunk = 2048
    /// Matches kept (the list shows them all; a search matching more says it stopped there).
    static let maxMatches = 20_000

    var query: String
    var generation: Int
    var matches: [EntrySummary] = []
    /// Entries looked at so far.
    var scanned = 0
    /// How many entries there are, when known (for the progress).
    var total: Int?
    var done = false
    var truncated = false
    /// Searching again after a change: the old matches stay until the first chunk arrives.
    var replacing = false

    /// The query as compared: lower-cased, NFC.
    var needle: String { Self.fold(query) }

    static func fold(_ text: String) -> String { text.precomposedStringWithCanonicalMapping.lowercased() }

    static func matches(_ summary: EntrySummary, needle: String) -> Bool {
        let asciiNeedle = Array(needle.utf8)
        if contains(summary.key.utf8, needle: needle, asciiNeedle: asciiNeedle) { return true }
        guard let value = summary.value else { return false }
        return contains(value, needle: needle, asciiNeedle: asciiNeedle)
    }

    /// Whether UTF-8 `text` contains the folded `needle`. ASCII text (most keys and values) is
    /// compared byte by byte with ASCII case folding, which is what NFC and lower-casing do to it;
    /// anything else (where lower-casing may even produce ASCII, as the Kelvin sign does) takes
    /// the full Unicode path.
    private static func contains(_ text: some Collection<UInt8>, needle: String, asciiNeedle: [UInt8]) -> Bool {
        if asciiNeedle.allSatisfy({ $0 < 0x80 }), text.allSatisfy({ $0 < 0x80 }) {
            return containsASCII(Array(text), asciiNeedle)
        }
        guard let string = String(validating: text, as: UTF8.self) else { return false }
        return fold(string).contains(needle)
    }

    /// Substring search of a lower-case ASCII needle in ASCII bytes, ignoring ASCII case.
    private static func containsASCII(_ text: [UInt8], _ needle: [UInt8]) -> Bool {
        guard !needle.isEmpty else { return true }
        guard text.count >= needle.count else { return false }
        @inline(__always) func lower(_ b: UInt8) -> UInt8 { b >= 0x41 && b <= 0x5A ? b | 0x20 : b }
        let first = needle[0]
        for start in 0...(text.count - needle.count) where lower(text[start]) == first {
            var at = 1
            while at < needle.count && lower(text[start + at]) == needle[at] { at += 1 }
            if at == needle.count { return true }
        }
        return false
    }

    func command(after: String?) -> Command {
        .search(generation: generation, query: query, after: after, scanned: scanned)
    }

    /// A chunk was searched: keep its matches and ask for the next chunk.
    mutating func receive(_ step: SearchStep) -> [Command] {
        guard step.generation == generation else { return [] }
        if replacing {
            matches = []
            replacing = false
        }
        let room = Self.maxMatches - matches.count
        if step.matches.count > room { truncated = true }
        matches += step.matches.prefix(max(0, room))
        scanned = step.scanned
        if step.done || truncated {
            done = true
            return []
        }
        return [command(after: step.lastKey)]
    }
}

/// One searched chunk (from the effects runner).
struct SearchStep: Sendable, Equatable {
    var generation: Int
    var matches: [EntrySummary]
    var lastKey: String?
    var scanned: Int
    var done: Bool
}

extension MainState {
    /// Rows the entries list shows: the deleted keys when they are shown, the search's matches
    /// while searching, else the index.
    var rowCount: Int { deleted?.shown.count ?? search?.matches.count ?? entries.rowCount }

    func row(_ index: Int) -> EntrySummary? {
        if let deleted { return deleted.shown.indices.contains(index) ? DeletedList.row(deleted.shown[index]) : nil }
        guard let search else { return entries.row(index) }
        return search.matches.indices.contains(index) ? search.matches[index] : nil
    }

    /// The query the list is filtered by (the search's, or the deleted keys' filter), if any.
    var appliedQuery: String? {
        if let deleted { return deleted.query.isEmpty ? nil : deleted.query }
        return search?.query
    }
}
