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
}
