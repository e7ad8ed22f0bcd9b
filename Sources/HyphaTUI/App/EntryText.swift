import Foundation
import HyphaEngine
import Widgets

/// How keys, values, writers and times are shown. Keys and values may come from other nodes,
/// so everything passes through `Sanitise.forTerminal` (Widgets would draw controls as U+FFFD
/// anyway; this also keeps line breaks out of one-line previews).
enum EntryText {
    /// A key for messages, cut to a readable length.
    static func key(_ key: String, limit: Int = 40) -> String {
        Sanitise.forTerminal(key, limit: limit)
    }

    /// A one-line preview of a value: its first line, or a note when it is not text.
    static func preview(_ value: [UInt8]?, limit: Int = 200) -> String {
        guard let value else { return "(deleted)" }
        guard let text = String(validating: value, as: UTF8.self) else { return "(\(value.count) bytes, not text)" }
        let lines = text.split(separator: "\n", maxSplits: 1, omittingEmptySubsequences: false)
        let first = Sanitise.forTerminal(String(lines.first ?? ""), limit: limit)
        return lines.count > 1 ? first + " ⏎…" : first
    }

    /// A value's lines for the detail pane (at most `maxLines`).
    static func lines(_ value: [UInt8]?, maxLines: Int) -> [String] {
        guard let value else { return ["(deleted)"] }
        guard let text = String(validating: value, as: UTF8.self) else { return ["(\(value.count) bytes, not text)"] }
        return text.split(separator: "\n", omittingEmptySubsequences: false).prefix(maxLines)
            .map { Sanitise.forTerminal(String($0), limit: 1000) }
    }

    /// A value's lines wrapped to `width` for the detail pane, at most `maxRows`; when some of it
    /// does not fit, the last row ends with "…" so a cut value never looks whole.
    static func rows(_ value: [UInt8]?, width: Int, maxRows: Int) -> [String] {
        guard width > 1, maxRows > 0 else { return [] }
        var rows: [String] = []
        var cut = false
        let source = lines(value, maxLines: maxRows + 1)
        for (i, line) in source.enumerated() {
            if i == maxRows { cut = true; break }
            let wrapped = line.isEmpty ? [""] : TextWidth.wrap(line, width: width)
            rows += wrapped
            if rows.count > maxRows { cut = true; break }
        }
        // A line cut by the 1000-character limit of `lines` is cut too.
        if !cut, let value, value.count > 0, source.count <= maxRows,
           source.contains(where: { $0.count >= 1000 }) { cut = true }
        guard cut || rows.count > maxRows else { return rows }
        rows = Array(rows.prefix(maxRows))
        let last = rows[rows.count - 1]
        rows[rows.count - 1] = TextWidth.of(last) < width ? last + "…" : TextWidth.truncate(last, to: width - 1) + "…"
        return rows
    }

    /// The node that wrote a version: its name, else its key's short form.
    static func writer(_ version: EntryVersion) -> String {
        version.writerName.map { Sanitise.forTerminal($0, limit: 40) } ?? version.writer.shortHex
    }

    /// A version's header in the detail pane: `marker`, node, short version id and time, at
    /// most `width` wide. The time shortens first ("2026-11-21 05:59 UTC" → "11-21 05:59"),
    /// then the node name is cut; the id, which `hypha put --replaces` takes, stays whole.
    static func versionHeader(_ version: EntryVersion, marker: String, width: Int) -> String {
        let name = writer(version)
        let id = version.id.description
        let full = time(version.timestamp)
        let tails = ["  \(id)  \(full) UTC", "  \(id)  \(full)", " \(id) \(full.dropFirst(5))"]
        let nameWidth = TextWidth.of(name)
        for tail in tails {
            let room = width - TextWidth.of(marker) - TextWidth.of(tail)
            if room >= min(nameWidth, 5) { return marker + TextWidth.truncate(name, to: room) + tail }
        }
        return TextWidth.truncate(marker + name + " " + id, to: width)
    }

    /// A time in UTC, "2026-11-21 05:59" (the same on every machine, so screens compare).
    static func time(_ milliseconds: UInt64) -> String {
        var seconds = time_t(milliseconds / 1000)
        var parts = tm()
        gmtime_r(&seconds, &parts)
        func two(_ n: Int32) -> String { n < 10 ? "0\(n)" : "\(n)" }
        return "\(parts.tm_year + 1900)-\(two(parts.tm_mon + 1))-\(two(parts.tm_mday)) \(two(parts.tm_hour)):\(two(parts.tm_min))"
    }

    /// "1,000,000".
    static func count(_ n: Int) -> String {
        let digits = String(n)
        var out = ""
        for (i, ch) in digits.enumerated() {
            if i > 0 && (digits.count - i) % 3 == 0 { out.append(",") }
            out.append(ch)
        }
        return out
    }
}
