import Dispatch
import Testing
@testable import HyphaEngine

/// Initial sync of many small entries over loopback TCP with the default windows. A measurement
/// printed for docs/BENCHMARKS.md (it runs against the in-memory test double, so it shows what the
/// network costs, not the SQLite store); the assertion only checks that everything arrived.
@Suite struct NetworkThroughputTests {
    @Test func initialSyncOfManyEntries() async throws {
        let entries = 50_000
        let a = TestNode("bulk-source") { $0.limits = SyncLimits() }
        let b = TestNode("bulk-sink") { $0.limits = SyncLimits() }
        let writer = NetworkFixtures.keyPair(7)
        for batch in 0..<(entries / 1000) {
            a.store.append((0..<1000).map { i in [UInt8](repeating: UInt8(truncatingIfNeeded: batch &+ i), count: 300) }, by: writer)
        }
        let port = try await a.listen()
        let start = DispatchTime.now().uptimeNanoseconds
        b.network.connect(to: PeerAddress(transport: .tcp, host: "127.0.0.1", port: port))
        #expect(await eventually(120) { b.store.length(of: writer.publicKey) == UInt64(entries) })
        let seconds = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
        print("initial sync: \(entries) entries of 300 bytes in \(seconds) s = \(Int(Double(entries) / seconds)) entries/s")
        await b.network.shutdown()
        await a.network.shutdown()
    }
}
