import Foundation
@testable import HyphaEngine
@testable import HyphaTUI
import Testing

/// `hypha bench tui` on a small node: the real pipeline reaches the screens it claims to time.
@Suite(.serialized) struct TUIBenchmarkTests {
    @MainActor
    @Test func theScriptedSessionDrawsRealFrames() throws {
        let dir = TemporaryDirectory()
        let directory = DataDirectory(dir.url.appendingPathComponent("bench"))
        let node = try TUIBenchmark.buildNode(entries: 3000, in: directory)
        #expect(TUIBenchmark.key(42) == "k000000000000042")
        #expect(try node.database.count() == 3000)
        let result = try TUIBenchmark(entries: 3000).run(buildSeconds: 0, node: node)
        let first = result.firstScreen.joined(separator: "\n")
        #expect(first.contains("k000000000000000"))
        #expect(first.contains("value 0000"))
        #expect(first.contains("1 of 3,000"))
        // The script ends with Esc after a filter: the full list, back at the top.
        let last = result.lastScreen.joined(separator: "\n")
        #expect(last.contains("1 of 3,000"))
        #expect(result.keypresses == TUIBenchmark.script(filter: "k00000000001").count)
        #expect(result.handling.p50 <= result.handling.max)
        #expect(result.residentMegabytes > 0)
        // The search that matches nothing looked at every entry.
        #expect(result.searchScanned == 3000)
        #expect(result.searchMilliseconds > 0)
    }

    @Test func percentilesPickTheRightSamples() {
        let timing = TUIBenchmark.Timing((1...100).map(Double.init))
        #expect(timing.p50 == 50)
        #expect(timing.p99 == 99)
        #expect(timing.max == 100)
        #expect(TUIBenchmark.Timing([]).max == 0)
    }
}
