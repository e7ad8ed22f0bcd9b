/// A one-row progress bar: `██████░░░░░░  42%` for a known fraction, or a block sliding back and
/// forth for work of unknown length (the app advances the frame, as with ``Spinner``).
public struct ProgressBar: Widget, Sendable, Hashable {
    public enum Progress: Sendable, Hashable {
        /// Done so far, 0...1 (clamped; NaN counts as 0).
        case fraction(Double)
        /// Unknown length; `frame` moves the block.
        case indeterminate(frame: Int)
    }

    public var progress: Progress
    /// Whether a known fraction is followed by its percentage.
    public var showsPercentage: Bool

    public init(_ progress: Progress, showsPercentage: Bool = true) {
        self.progress = progress
        self.showsPercentage = showsPercentage
    }

    /// Draws on the first row of `area`.
    public func render(in area: Rect, buffer: inout Buffer, theme: Theme) {
        let row = area.row(0)
        guard !row.isEmpty else { return }
        switch progress {
        case .fraction(let raw):
            let fraction = raw.isNaN ? 0 : min(max(raw, 0), 1)
            let percent = "\(Int((fraction * 100).rounded(.down)))%"
            let labelWidth = showsPercentage && row.width >= 10 ? 5 : 0
            let barWidth = row.width - labelWidth
            let filled = Int((fraction * Double(barWidth)).rounded(.down))
            drawBar(x: row.x, y: row.y, width: barWidth, filled: filled > 0 ? 0..<filled : 0..<0, buffer: &buffer, theme: theme)
            if labelWidth > 0 {
                buffer.put(TextWidth.fit(percent, to: labelWidth, alignment: .right), x: row.x + barWidth, y: row.y, style: theme[.text])
            }
        case .indeterminate(let frame):
            let block = max(1, min(row.width, row.width / 5))
            let travel = row.width - block
            let step = travel > 0 ? ((frame % (2 * travel)) + 2 * travel) % (2 * travel) : 0
            let start = step <= travel ? step : 2 * travel - step
            drawBar(x: row.x, y: row.y, width: row.width, filled: start..<(start + block), buffer: &buffer, theme: theme)
        }
    }

    private func drawBar(x: Int, y: Int, width: Int, filled: Range<Int>, buffer: inout Buffer, theme: Theme) {
        guard width > 0 else { return }
        buffer.fill(Rect(x: x, y: y, width: width, height: 1), with: "░", style: theme[.progressTrack])
        buffer.fill(Rect(x: x + filled.lowerBound, y: y, width: filled.count, height: 1), with: "█", style: theme[.progress])
    }
}
