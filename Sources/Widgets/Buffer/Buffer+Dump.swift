extension Buffer {
    /// The text of every row, full width, continuation cells skipped: what a terminal shows.
    public var lines: [String] {
        (0..<height).map { y in
            var text = ""
            for cell in row(y) {
                if let glyph = cell.glyph { text.append(glyph) }
            }
            return text
        }
    }

    /// Runs of cells that share one style, leaving out plain cells, one line per run with
    /// inclusive ranges: `y=0 x=0-39 fg=green bold`. The same run repeated on consecutive rows
    /// (a pane's side border) is written once as `y=1-10 x=0-0 …`. Used by snapshot tests to
    /// show colours and attributes next to ``lines``.
    public var styledDump: String {
        struct Run: Hashable {
            var start: Int
            var end: Int
            var style: Style
        }
        let runsByRow: [[Run]] = (0..<height).map { y in
            let cells = Array(row(y))
            var runs: [Run] = []
            var start = 0
            while start < cells.count {
                var end = start
                while end + 1 < cells.count, cells[end + 1].style == cells[start].style { end += 1 }
                if cells[start].style != .plain { runs.append(Run(start: start, end: end, style: cells[start].style)) }
                start = end + 1
            }
            return runs
        }
        var consumed = Set<[Int]>()  // [row, start] of runs already written as part of a block
        var out: [String] = []
        for (y, runs) in runsByRow.enumerated() {
            for run in runs where !consumed.contains([y, run.start]) {
                var last = y
                while last + 1 < height, runsByRow[last + 1].contains(run) {
                    last += 1
                    consumed.insert([last, run.start])
                }
                let rows = last == y ? "\(y)" : "\(y)-\(last)"
                out.append("y=\(rows) x=\(run.start)-\(run.end) \(run.style)")
            }
        }
        return out.joined(separator: "\n")
    }
}
