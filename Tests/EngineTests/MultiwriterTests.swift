import Foundation
import Testing
@testable import HyphaEngine

@Suite struct MultiwriterTests {
    let master = SimulatedNode.master()

    func pair() throws -> (SimulatedNode, SimulatedNode) {
        let a = try SimulatedNode(master: master, deviceID: 1)
        let b = try SimulatedNode(master: master, deviceID: 2)
        try a.createDatabase(name: "laptop")
        try a.authorise(b, name: "desktop")
        try b.pull(from: a)
        return (a, b)
    }

    @Test func originWritesAndANewNodeReadsEverything() throws {
        let a = try SimulatedNode(master: master, deviceID: 1)
        try a.createDatabase()
        for i in 0..<50 { try a.put("key-\(i)", "value-\(i)") }
        let b = try SimulatedNode(master: master, deviceID: 2)
        #expect(throws: NodeError.notWritable) { try b.put("x", "y") }
        try b.pull(from: a)
        #expect(try b.database.count() == 50)
        #expect(try b.value("key-49") == "value-49")
        #expect(try b.snapshot() == a.snapshot())
    }

    @Test func concurrentWritesBecomeAConflictWithTheSameWinnerEverywhere() throws {
        let (a, b) = try pair()
        try a.put("note", "from laptop")
        try b.put("note", "from desktop")
        try a.pull(from: b)
        try b.pull(from: a)
        #expect(try a.database.entry("note")?.isConflict == true)
        #expect(Set(try a.values("note")) == ["from laptop", "from desktop"])
        #expect(try a.values("note") == b.values("note"))
        #expect(try a.snapshot() == b.snapshot())
        #expect(try a.database.conflicts() == ["note"])

        // A write that follows both values resolves the conflict on every node.
        try b.put("note", "merged")
        try a.pull(from: b)
        #expect(try a.values("note") == ["merged"])
        #expect(try b.values("note") == ["merged"])
        #expect(try a.database.conflicts().isEmpty)
    }

    @Test func sequentialWritesAcrossNodesDoNotConflict() throws {
        let (a, b) = try pair()
        try a.put("k", "1")
        try b.pull(from: a)
        try b.put("k", "2")
        try a.pull(from: b)
        #expect(try a.values("k") == ["2"])
        try a.put("k", "3")
        try b.pull(from: a)
        #expect(try b.values("k") == ["3"])
    }

    @Test func deletesAreTombstonesAndConcurrentEditWinsVisibility() throws {
        let (a, b) = try pair()
        try a.put("k", "v")
        try b.pull(from: a)
        try a.delete("k")
        try b.put("k", "edited")
        try a.pull(from: b)
        try b.pull(from: a)
        // The concurrent edit is not lost: the key stays listed, in conflict with the deletion.
        let entry = try #require(try a.database.entry("k"))
        #expect(entry.isConflict)
        #expect(entry.winner.value == Array("edited".utf8))
        #expect(entry.versions.contains { $0.isDeletion })
        #expect(try a.database.count() == 1)
        #expect(try a.snapshot() == b.snapshot())
        // A plain delete that follows everything removes it.
        try a.delete("k")
        try b.pull(from: a)
        #expect(try b.database.count() == 0)
        #expect(try b.database.entry("k")?.isDeleted == true)
    }

    @Test func rebuildingTheViewGivesTheSameResult() throws {
        let (a, b) = try pair()
        for i in 0..<30 { try a.put("k\(i % 7)", "a\(i)"); try b.put("k\(i % 5)", "b\(i)") }
        try a.pull(from: b)
        try a.delete("k1")
        let before = try a.snapshot()
        try a.database.rebuildView()
        #expect(try a.snapshot() == before)
    }

    @Test func listFiltersByPrefixInKeyOrder() throws {
        let (a, _) = try pair()
        for key in ["b/2", "a/1", "b/1", "c", "b/10"] { try a.put(key, key.uppercased()) }
        #expect(try a.database.list(prefix: "b/").map(\.key) == ["b/1", "b/10", "b/2"])
        #expect(try a.database.list(prefix: "b/").map { $0.value.map { String(decoding: $0, as: UTF8.self) } } == ["B/1", "B/10", "B/2"])
        #expect(try a.database.count(prefix: "b/") == 3)
        #expect(try a.database.list(after: "b/2", limit: 10).map(\.key) == ["c"])
    }

    @Test func valuesNeedTheKeys() throws {
        let (a, _) = try pair()
        try a.put("k", "v")
        a.database.lock()
        #expect(throws: NodeError.locked) { try a.database.entry("k") }
        #expect(throws: NodeError.locked) { try a.put("k", "w") }
        #expect(try a.database.list(values: false).map(\.key) == ["k"])
    }
}
