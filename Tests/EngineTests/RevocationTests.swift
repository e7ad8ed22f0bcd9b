import Foundation
import Testing
@testable import HyphaEngine

/// Removal semantics: entries up to the cut-off always count, later ones never, whatever the
/// arrival order; removal beats any add of the same key, forever.
@Suite struct RevocationTests {
    let master = SimulatedNode.master(3)

    /// A (origin) and B write; A revokes B at what it has seen; B keeps writing unaware.
    func scenario() throws -> (a: SimulatedNode, b: SimulatedNode) {
        let a = try SimulatedNode(master: master, deviceID: 1)
        let b = try SimulatedNode(master: master, deviceID: 2)
        try a.createDatabase()
        try a.authorise(b, name: "stolen-laptop")
        try b.pull(from: a)
        for i in 1...3 { try b.put("before-\(i)", "kept") }
        try a.pull(from: b)
        try a.revoke(b)
        for i in 1...2 { try b.put("after-\(i)", "ignored") }
        try b.put("before-1", "overwritten after the cut-off")
        return (a, b)
    }

    func expectCutOff(_ node: SimulatedNode) throws {
        #expect(try node.database.list(values: false).map(\.key) == ["before-1", "before-2", "before-3"])
        #expect(try node.value("before-1") == "kept")
        let b = try #require(try node.database.writers().first { $0.name == "stolen-laptop" })
        #expect(b.status == .removed)
        #expect(b.acceptedLength == 3)   // b's log held its three puts when a revoked it
    }

    @Test(arguments: ["removal first", "logs first", "interleaved chunks"])
    func entriesAfterTheCutOffNeverAppear(order: String) throws {
        let (a, b) = try scenario()
        let c = try SimulatedNode(master: master, deviceID: 3)
        let aLog = try a.database.chunks(writer: a.deviceKey, start: 0, end: .max, maxBytes: 1)
        let bLog = try b.database.chunks(writer: b.deviceKey, start: 0, end: .max, maxBytes: 1)
        let ordered: [LogChunk]
        switch order {
        case "removal first": ordered = aLog + bLog
        case "logs first": ordered = bLog + aLog
        default: ordered = zip(bLog, aLog).flatMap { [$0, $1] } + bLog.dropFirst(aLog.count) + aLog.dropFirst(bLog.count)
        }
        for chunk in ordered { _ = try c.database.ingest(chunk) }
        try expectCutOff(c)
        try a.pull(from: b)
        try expectCutOff(a)
    }

    @Test func aRemovedWriterReAddedStaysRemoved() throws {
        let (a, b) = try scenario()
        try a.authorise(b, name: "stolen-laptop")   // a later add of the same key
        try a.pull(from: b)
        try b.pull(from: a)
        try expectCutOff(a)
        #expect { try b.put("again", "no") } throws: { error in
            guard case .revoked(by: "origin", _)? = error as? NodeError else { return false }
            return true
        }
        #expect(try a.database.status(of: b.deviceKey) == .removed)
    }

    @Test func concurrentRevocationsKeepTheCommonPrefix() throws {
        let (a, b) = try scenario()
        let c = try SimulatedNode(master: master, deviceID: 3)
        try a.authorise(c, name: "desk")
        try c.pull(from: a)
        try c.pull(from: b)          // c has seen two more blocks of b than a had
        try c.revoke(b)              // a longer cut-off, concurrent with a's
        try a.pull(from: c)
        try c.pull(from: a)
        try expectCutOff(a)
        try expectCutOff(c)
        #expect(try a.snapshot() == c.snapshot())
    }

    @Test func dependentEntriesOfOthersStillApply() throws {
        let (a, b) = try scenario()
        let c = try SimulatedNode(master: master, deviceID: 3)
        try a.authorise(c, name: "desk")
        try c.pull(from: a)
        try c.pull(from: b)           // c saw b's post-cut-off entries…
        try c.put("after-1", "c follows b")   // …and writes over one of them
        try a.pull(from: c)
        try c.pull(from: a)           // the removal reaches c afterwards
        for node in [a, c] {
            #expect(try node.values("after-1") == ["c follows b"])
            #expect(try node.value("after-2") == nil)
            #expect(try node.value("before-1") == "kept")
        }
        #expect(try a.snapshot() == c.snapshot())
    }

    @Test func aCutOffWhoseHashDoesNotMatchKeepsNothing() throws {
        let a = try SimulatedNode(master: master, deviceID: 1)
        let b = try SimulatedNode(master: master, deviceID: 2)
        try a.createDatabase()
        try a.authorise(b, name: "b")
        try b.pull(from: a)
        try b.put("x", "1")
        try a.pull(from: b)
        try a.database.append(membership: [.make(.removeWriter(writer: b.deviceKey, cutoffLength: 1, cutoffHash: [UInt8](repeating: 7, count: 32)),
                                                 database: a.keys.root, createdAt: 1)])
        #expect(try a.value("x") == nil)
        #expect(try a.database.writers().first { $0.key == b.deviceKey }?.acceptedLength == 0)
    }
}
