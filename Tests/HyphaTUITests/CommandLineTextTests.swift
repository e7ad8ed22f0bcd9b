@testable import HyphaTUI
import Testing

/// What `serve` and `join` print for people.
@Suite struct CommandLineTextTests {
    /// "in sync with PEER" once per catch-up: not after every live write that leaves the peer in
    /// sync, again after it fell behind or reconnected.
    @Test func inSyncIsReportedOncePerCatchUp() {
        var reports = InSyncReports()
        #expect(reports.report(peer: "a", remaining: 5) == false)
        #expect(reports.report(peer: "a", remaining: 0) == true)
        #expect(reports.report(peer: "a", remaining: 0) == false)
        #expect(reports.report(peer: "b", remaining: 0) == true)
        #expect(reports.report(peer: "a", remaining: 3) == false)
        #expect(reports.report(peer: "a", remaining: 0) == true)
        reports.disconnected("b")
        #expect(reports.report(peer: "b", remaining: 0) == true)
        #expect(reports.report(peer: "b", remaining: 0) == false)
    }
}
