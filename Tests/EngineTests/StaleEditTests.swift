import Testing
@testable import HyphaEngine

/// Writes name the versions they replace (entry format 2): an edit of a stale version is a
/// conflict on every node, never a silent overwrite.
@Suite struct StaleEditTests {
    let master = SimulatedNode.master(31)

    func pair() throws -> (SimulatedNode, SimulatedNode) {
        let (a, b) = try SimulatedNode.authorisedPair(master: master, names: ("desktop", "laptop"))
        try a.put("note", "v1")
        try b.pull(from: a)
        return (a, b)
    }

    @Test func anEditorLeftOpenOnAStaleVersionMakesAConflict() throws {
        let (a, b) = try pair()
        let seenByDesktop = try a.versions("note")          // the editor opens on the desktop
        try b.put("note", "edited on the laptop")          // the laptop edits in the evening
        try a.pull(from: b)
        try a.put("note", "saved on the desktop", replacing: seenByDesktop)   // saved in the morning
        try b.pull(from: a)
        for node in [a, b] {
            #expect(Set(try node.values("note")) == ["edited on the laptop", "saved on the desktop"])
        }
        #expect(try a.snapshot() == b.snapshot())
    }

    @Test func aStaleEditArrivingFirstStillConflicts() throws {
        let (a, b) = try pair()
        let seen = try a.versions("note")
        try b.put("note", "laptop")
        try a.put("note", "desktop", replacing: seen)      // written before the laptop's edit arrived
        try a.pull(from: b)
        try b.pull(from: a)
        for node in [a, b] { #expect(Set(try node.values("note")) == ["laptop", "desktop"]) }
    }

    @Test func namingTheCurrentVersionsResolvesAConflict() throws {
        let (a, b) = try pair()
        try a.put("note", "a")
        try b.put("note", "b")
        try a.pull(from: b)
        try b.pull(from: a)
        #expect(try a.values("note").count == 2)
        try a.put("note", "merged", replacing: try a.versions("note"))
        try b.pull(from: a)
        for node in [a, b] { #expect(try node.values("note") == ["merged"]) }
    }

    @Test func aWriteWithoutNamesReplacesEverythingItSaw() throws {
        let (a, b) = try pair()
        try b.put("note", "laptop")
        try a.pull(from: b)
        try a.put("note", "desktop")                        // format 1: every version held here
        try b.pull(from: a)
        for node in [a, b] { #expect(try node.values("note") == ["desktop"]) }
    }

    @Test func aDeleteOfAStaleVersionKeepsTheNewerValue() throws {
        let (a, b) = try pair()
        let seen = try a.versions("note")
        try b.put("note", "laptop")
        try a.pull(from: b)
        try a.database.write([.delete(key: "note", replaces: seen)])
        try b.pull(from: a)
        for node in [a, b] {
            #expect(try node.value("note") == "laptop")                // still listed: a version is live
            #expect(try node.database.entry("note")?.versions.count == 2)
        }
    }

    @Test func replacedVersionsMustBeVersionsOfThatKey() throws {
        let (a, _) = try pair()
        try a.put("other", "x")
        let wrong = try a.versions("other")
        #expect(throws: VersionIDError.self) { try a.put("note", "y", replacing: wrong) }
        let unknown = VersionID(writer: a.deviceKey, index: 999)
        #expect(throws: VersionIDError.self) { try a.put("note", "y", replacing: [unknown]) }
    }

    @Test func versionIDsReadBackFromTheirText() throws {
        let (a, b) = try pair()
        let id = try #require(try a.versions("note").first)
        #expect(try VersionID.parse(id.description, writers: [a.deviceKey, b.deviceKey]) == id)
        #expect(throws: VersionIDError.self) { try VersionID.parse("nothex:1", writers: [a.deviceKey]) }
        #expect(throws: VersionIDError.self) { try VersionID.parse("\(id.writer.shortHex):x", writers: [a.deviceKey]) }
    }

    @Test func formatOneEntriesKeepTheirMeaning() throws {
        // A version-1 data entry decodes as version 1 and opens with the version-1 associated data.
        let (a, _) = try pair()
        let log = try #require(try a.database.exportLogs().first { $0.writer == a.deviceKey })
        guard case let .data(op) = try Entry.decode(log.blocks.last!) else { Issue.record("not data"); return }
        #expect(op.version == 1)
        #expect(op.open(database: a.database.databaseID, writer: a.deviceKey, dataKey: a.keys.dataKey)?.replaces == nil)
        // Changing the version byte in clear makes the payload fail to open (the format is bound).
        var tampered = log.blocks.last!
        tampered[0] = 2
        guard case let .data(relabelled) = try Entry.decode(tampered) else { Issue.record("not data"); return }
        #expect(relabelled.open(database: a.database.databaseID, writer: a.deviceKey, dataKey: a.keys.dataKey) == nil)
    }
}
