import Foundation
import Testing
import Widgets

/// Golden-file snapshots of rendered buffers, in the style of swift-argument-parser's helper.
///
/// `assertSnapshot(buffer, named: "pane_40x12")` compares the buffer's text rows (framed with
/// `|` so trailing spaces show) and its style runs with `Snapshots/pane_40x12.txt` next to this
/// file. Run with `RECORD_SNAPSHOTS=1` to write the files: a recording run always fails, so a
/// re-record is never a silent pass. On a mismatch the failure shows a line diff.
func assertSnapshot(
    _ buffer: Buffer, named name: String, filePath: String = #filePath,
    sourceLocation: SourceLocation = #_sourceLocation
) {
    let actual = snapshotText(buffer)
    let url = URL(fileURLWithPath: filePath).deletingLastPathComponent()
        .appendingPathComponent("Snapshots").appendingPathComponent("\(name).txt")

    if ProcessInfo.processInfo.environment["RECORD_SNAPSHOTS"] == "1" {
        do {
            try actual.write(to: url, atomically: true, encoding: .utf8)
            Issue.record("Recorded snapshot \(name).txt; check it, then run again without RECORD_SNAPSHOTS.", sourceLocation: sourceLocation)
        } catch {
            Issue.record("Could not write snapshot \(url.path): \(error)", sourceLocation: sourceLocation)
        }
        return
    }
    guard let expected = try? String(contentsOf: url, encoding: .utf8) else {
        Issue.record("No snapshot \(name).txt; record it with RECORD_SNAPSHOTS=1. Actual:\n\(actual)", sourceLocation: sourceLocation)
        return
    }
    if expected != actual {
        Issue.record("Snapshot \(name).txt differs (- expected, + actual):\n\(lineDiff(expected, actual))", sourceLocation: sourceLocation)
    }
}

/// The snapshot file format: a header, the framed rows, then the style runs.
func snapshotText(_ buffer: Buffer) -> String {
    var out = "size \(buffer.size)"
    if let cursor = buffer.cursor { out += " cursor \(cursor)" }
    out += "\n"
    for line in buffer.lines { out += "|\(line)|\n" }
    out += "--- styles ---\n"
    let styles = buffer.styledDump
    if !styles.isEmpty { out += styles + "\n" }
    return out
}

/// A readable line diff built on the longest common subsequence (snapshots are small).
func lineDiff(_ old: String, _ new: String) -> String {
    let a = old.split(separator: "\n", omittingEmptySubsequences: false)
    let b = new.split(separator: "\n", omittingEmptySubsequences: false)
    var lcs = [[Int]](repeating: [Int](repeating: 0, count: b.count + 1), count: a.count + 1)
    for i in stride(from: a.count - 1, through: 0, by: -1) {
        for j in stride(from: b.count - 1, through: 0, by: -1) {
            lcs[i][j] = a[i] == b[j] ? lcs[i + 1][j + 1] + 1 : max(lcs[i + 1][j], lcs[i][j + 1])
        }
    }
    var out: [String] = []
    var i = 0, j = 0
    while i < a.count || j < b.count {
        if i < a.count, j < b.count, a[i] == b[j] {
            out.append("  \(a[i])")
            i += 1
            j += 1
        } else if i < a.count, j == b.count || lcs[i + 1][j] >= lcs[i][j + 1] {
            out.append("- \(a[i])")
            i += 1
        } else {
            out.append("+ \(b[j])")
            j += 1
        }
    }
    return out.joined(separator: "\n")
}

/// Width computations need a UTF-8 `LC_CTYPE`; every suite calls this in its `init`.
func prepareLocale() {
    UTF8Locale.ensure()
}

/// Renders `widget` into a fresh buffer of the given size with the standard theme.
func rendered(_ widget: some Widget, width: Int, height: Int, theme: Theme = .standard) -> Buffer {
    var buffer = Buffer(width: width, height: height)
    buffer.render(widget, theme: theme)
    return buffer
}
