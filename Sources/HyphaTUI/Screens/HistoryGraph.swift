import HyphaEngine
import Widgets

/// The lane column of the history view, text only (like tig's graph). Versions are drawn newest
/// first, one lane per line of descent: a version sits in its lane (`●` a value, `×` a
/// deletion), lanes waiting for an older version pass by as `│`, and
///
/// - two versions written concurrently after the same one are two lanes that meet at it
///   (`●─┘`: the right lane ends there);
/// - a version written after several (a conflict resolved, a version restored over a
///   conflict) opens a lane for each further one (`●─┐`).
///
/// ```
/// ●─┐  7dd94a59:9  laptop   resolved
/// │ ●  6d583418:4  desktop  concurrent with the one below
/// ● │  7dd94a59:8  laptop
/// ●─┘  7dd94a59:7  laptop   what both came after
/// ```
enum HistoryGraph {
    /// The widest graph drawn; wider ones are cut with "…".
    static let maxWidth = 9

    /// One graph cell string per version of `newestFirst`, all padded to the same width.
    static func lanes(_ newestFirst: [HistoryVersion]) -> [String] {
        var lanes: [VersionID?] = []
        var out: [String] = []
        for item in newestFirst {
            let id = item.version.id
            let hits = lanes.indices.filter { lanes[$0] == id }
            let column: Int
            if let first = hits.first {
                column = first
            } else {
                // Nothing newer came after it (a current version, or one replaced by nothing).
                column = lanes.firstIndex(of: nil) ?? lanes.count
                if column == lanes.count { lanes.append(nil) }
            }
            let before = lanes
            let ending = Set(hits.dropFirst())
            for slot in ending { lanes[slot] = nil }
            lanes[column] = item.follows.first
            var opening = Set<Int>()
            for parent in item.follows.dropFirst() {
                let slot = lanes.indices.first { $0 > column && lanes[$0] == nil && !ending.contains($0) } ?? lanes.count
                if slot == lanes.count { lanes.append(nil) }
                lanes[slot] = parent
                opening.insert(slot)
            }
            out.append(row(column: column, marker: item.version.isDeletion ? "×" : "●", before: before,
                           ending: ending, opening: opening, slots: lanes.count))
            while lanes.last == .some(nil) { lanes.removeLast() }
        }
        let width = min(maxWidth, out.map(TextWidth.of).max() ?? 0)
        return out.map { TextWidth.fit($0, to: width) }
    }

    /// The cells of one row: two per lane (the lane, then the gap to the next).
    private static func row(column: Int, marker: String, before: [VersionID?], ending: Set<Int>,
                            opening: Set<Int>, slots: Int) -> String {
        let reach = (ending.union(opening)).max() ?? column
        var cells = ""
        for slot in 0..<max(slots, reach + 1, before.count) {
            let passing = slot < before.count && before[slot] != nil && slot != column && !ending.contains(slot)
            let across = slot > column && slot < reach
            if slot == column {
                cells += marker
            } else if ending.contains(slot) && opening.contains(slot) {
                cells += "┤"
            } else if ending.contains(slot) {
                cells += "┘"
            } else if opening.contains(slot) {
                cells += "┐"
            } else if passing {
                cells += across ? "┼" : "│"
            } else {
                cells += across ? "─" : " "
            }
            cells += slot >= column && slot < reach ? "─" : " "
        }
        return String(cells.reversed().drop { $0 == " " }.reversed())
    }
}
