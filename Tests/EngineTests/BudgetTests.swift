import Foundation
import Testing
@testable import HyphaEngine

/// What does not count is kept only within a documented budget (docs/PROTOCOL.md, "Budgets"):
/// logs of writers nobody added, nothing after a removed writer's cut-off or a fork.
@Suite struct BudgetTests {
    let master = SimulatedNode.master(61)

    @Test func aStrangersLogIsKeptOnlyWithinItsBudget() throws {
        let node = try SimulatedNode(master: master, deviceID: 1)
        try node.createDatabase()
        var stranger = SignedLogBuilder(seed: 200)
        // 40 blocks of 3 KiB in batches of 5: only 16 blocks and 64 KiB may stay.
        var outcomes: [IngestOutcome] = []
        for _ in 0..<8 { outcomes.append(try node.database.ingest(stranger.append(Array(repeating: [UInt8](repeating: 7, count: 3072), count: 5)))) }
        let kept = try #require(try node.database.heads().first { $0.writer == stranger.writer })
        #expect(kept.signed.length == 15)                  // the last signed length within 16 blocks and 64 KiB
        #expect(outcomes.contains { if case .notCounted = $0 { true } else { false } })
        // Large blocks: nothing fits, nothing is stored.
        var big = SignedLogBuilder(seed: 201)
        guard case .notCounted = try node.database.ingest(big.append([[UInt8](repeating: 1, count: 70_000)])) else {
            Issue.record("a 70 KB block of a stranger was stored"); return
        }
        #expect(try node.database.heads().first { $0.writer == big.writer } == nil)
    }

    @Test func atMost1024StrangersAreKept() throws {
        let node = try SimulatedNode(master: master, deviceID: 1)
        try node.createDatabase()
        for n in 0..<LogBudget.maxUnknownLogs {
            var stranger = SignedLogBuilder(key: try SigningKeyPair(seed: SecureBytes(copying: withUnsafeBytes(of: UInt64(n + 1000).littleEndian, Array.init) + [UInt8](repeating: 9, count: 24))))
            _ = try node.database.ingest(stranger.append([[1, 2, 3]]))
        }
        var one = SignedLogBuilder(seed: 202)
        guard case .notCounted = try node.database.ingest(one.append([[1]])) else { Issue.record("log 1025 was kept"); return }
        // The node's own writers are not affected.
        try node.put("still", "writes")
        #expect(try node.value("still") == "writes")
    }

    @Test func aSelfAuthorisingLogIsKeptWhole() throws {
        let origin = try SimulatedNode(master: master, deviceID: 1)
        try origin.createDatabase()
        let joiner = try SimulatedNode(master: master, deviceID: 2)
        try joiner.pull(from: origin)
        try joiner.database.authorise(device: joiner.deviceKey, name: "joiner")   // with the passphrase alone
        for i in 0..<40 { try joiner.put("k\(i)", String(repeating: "x", count: 3000)) }
        try origin.pull(from: joiner)
        #expect(try origin.value("k39") != nil)
        #expect(try origin.database.status(of: joiner.deviceKey) == .authorised)
    }

    @Test func aLogRefusedWhileUnknownIsTakenOnceItsWriterIsAdded() throws {
        let (a, b) = try SimulatedNode.authorisedPair(master: master, names: ("a", "b"))
        for i in 0..<30 { try b.put("k\(i)", "v") }
        let c = try SimulatedNode(master: master, deviceID: 3)
        try c.pull(from: b)        // b's log reaches c before the add-writer (in a's log) does... and a's too
        try c.pull(from: a)
        try c.pull(from: b)        // now b counts on c: the rest is taken
        #expect(try c.value("k29") == "v")
        #expect(try c.snapshot() == b.snapshot())
    }

    @Test func nothingAfterACutOffIsStored() throws {
        let (desktop, tablet) = try SimulatedNode.authorisedPair(master: master, names: ("desktop", "tablet"))
        try tablet.put("a", "1")
        try desktop.pull(from: tablet)
        try desktop.database.revoke(writer: tablet.deviceKey)
        for i in 0..<100 { try tablet.put("late\(i)", "x") }   // unaware of its revocation
        let outcomes = try desktop.pull(from: tablet)
        #expect(outcomes.allSatisfy { if case .notCounted = $0 { true } else { false } })
        #expect(try desktop.database.heads().first { $0.writer == tablet.deviceKey }?.signed.length == 1)
    }
}
