import Testing
@testable import HyphaEngine

/// Every version ever written to a key stays findable, with what it followed: concurrent
/// versions are branches, a deleted key can be found and brought back.
@Suite struct HistoryTests {
    let master = SimulatedNode.master(81)

    @Test func theHistoryKeepsEveryVersionWithItsPredecessors() throws {
        let (a, b) = try SimulatedNode.authorisedPair(master: master, names: ("desktop", "laptop"))
        try a.put("note", "one")
        try b.pull(from: a)
        try a.put("note", "two on the desktop")
        try b.put("note", "two on the laptop")       // concurrent with the desktop's
        try a.pull(from: b)
        try a.database.write([.delete(key: "note", replaces: try a.versions("note"))])
        let history = try a.database.history("note")
        #expect(history.map { $0.version.value.map { String(decoding: $0, as: UTF8.self) } } .compactMap { $0 } .sorted()
                == ["one", "two on the desktop", "two on the laptop"])
        let one = try #require(history.first)
        #expect(String(decoding: one.version.value ?? [], as: UTF8.self) == "one" && one.follows.isEmpty && !one.isCurrent)
        let branches = history.filter { $0.follows == [one.version.id] }
        #expect(branches.count == 2, "both edits came right after 'one': two branches")
        let deletion = try #require(history.last)
        #expect(deletion.version.isDeletion && deletion.isCurrent)
        #expect(Set(deletion.follows) == Set(branches.map(\.version.id)), "the deletion closed both branches")
        #expect(try a.database.deletedKeys() == ["note"])
        // Brought back: a write of the old value that replaces the current (deleted) version.
        try a.database.write([.put(key: "note", value: one.version.value!, replaces: [deletion.version.id])])
        #expect(try a.value("note") == "one")
        #expect(try a.database.deletedKeys().isEmpty)
        // The history is derived: a rebuild gives the same.
        let before = try a.database.history("note")
        try a.database.rebuildView()
        #expect(try a.database.history("note") == before)
    }

    /// A key written once has no history row (its summary row describes its only version); its
    /// second version records both, whether it arrives in a later batch, in the same batch, by
    /// a local write or from another device.
    @Test func aKeyWrittenOnceCostsNoHistoryRow() throws {
        let (a, b) = try SimulatedNode.authorisedPair(master: master, names: ("desktop", "laptop"))
        func rows(_ node: SimulatedNode, _ key: String) throws -> Int {
            try node.database.writer.read { try Int.fetchOne($0, sql: "SELECT COUNT(*) FROM view_history WHERE key = ?", arguments: [key]) ?? 0 }
        }
        try a.put("once", "only")
        try a.database.write([.put(key: "twice", value: [UInt8]("first".utf8)), .put(key: "other", value: [UInt8]("x".utf8))])
        #expect(try rows(a, "once") == 0 && rows(a, "twice") == 0)
        #expect(try a.database.history("once").map(\.version.value) == [[UInt8]("only".utf8)])
        #expect(try a.database.history("once").first?.isCurrent == true)

        try a.put("twice", "second")                       // a later local write
        #expect(try rows(a, "twice") == 2)
        #expect(try a.database.history("twice").compactMap { $0.version.value.map { String(decoding: $0, as: UTF8.self) } } == ["first", "second"])

        try b.pull(from: a)                                   // arriving in one batch on B
        #expect(try rows(b, "once") == 0 && rows(b, "twice") == 2)
        try b.put("once", "edited on the laptop")
        try a.pull(from: b)                                   // a second version from another device
        #expect(try rows(a, "once") == 2)
        #expect(try a.database.history("once").map(\.isCurrent) == [false, true])
        let before = try ["once", "twice", "other"].map { try a.database.history($0) }
        try a.database.rebuildView()
        #expect(try ["once", "twice", "other"].map { try a.database.history($0) } == before)
    }
}
