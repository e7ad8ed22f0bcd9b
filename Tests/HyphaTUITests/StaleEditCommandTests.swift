import Foundation
import Testing

/// Writes name the versions they replace, through the command line, between two real nodes:
/// an edit based on a stale read keeps the version written meanwhile (a conflict on both nodes);
/// an edit that names nothing replaces what the node holds.
@Suite(.serialized) struct StaleEditCommandTests {
    @Test func aStaleEditBecomesAConflictOnBothNodesAndAPlainPutReplaces() throws {
        let origin = try NodeFixture(name: "a")
        let (a, aNode, b, bNode) = try Processes.servingPair(origin)
        let aKey = origin.deviceKey, bKey = try #require(b.deviceKey)
        var aLength = try #require(try a.logLengths()[aKey])
        var bLength = try #require(try b.logLengths()[bKey])

        // A writes; B receives it. A reads the version it is about to edit.
        #expect(try a.run(["put", "doc", "v1 from A"]).status == 0)
        aLength += 1
        try bNode.waitForLog(writer: aKey, length: aLength)
        let read = try a.versions("doc")
        #expect(read.map(\.value) == ["v1 from A"])
        let staleID = try #require(read.first?.id)
        #expect(staleID == "\(aKey.prefix(8)):\(aLength - 1)", "a version id is writer:position")

        // Meanwhile B edits it (its put replaces what it holds) and that reaches A.
        #expect(try b.run(["put", "doc", "v2 from B"]).status == 0)
        bLength += 1
        try aNode.waitForLog(writer: bKey, length: bLength)
        #expect(try a.versions("doc").map(\.value) == ["v2 from B"])

        // A saves its edit of what it read: it replaces v1 only, so B's v2 stays.
        let put = try a.run(["put", "doc", "v3 from A", "--replaces", staleID])
        #expect(put.status == 0, "\(put.stderr)")
        aLength += 1
        try bNode.waitForLog(writer: aKey, length: aLength)
        for node in [a, b] {
            let entry = try #require(try node.entry("doc"), "\(node)")
            #expect(entry["conflict"] as? Bool == true, "\(node)")
            let values = try node.versions("doc").map(\.value).sorted()
            #expect(values == ["v2 from B", "v3 from A"], "\(node): \(values)")
        }
        // The two nodes show the same versions with the same ids, and the same winner.
        #expect(try a.versions("doc").map(\.id).sorted() == (try b.versions("doc").map(\.id).sorted()))
        #expect(try a.entry("doc")?["value"] as? String == (try b.entry("doc")?["value"] as? String))
        let text = try a.run(["get", "doc"])
        #expect(text.stdout.hasPrefix("doc: 2 concurrent values (conflict)\n"), "\(text.stdout)")

        // Control: after syncing, a put that names nothing replaces every version the node holds.
        #expect(try b.run(["put", "doc", "merged by B"]).status == 0)
        bLength += 1
        try aNode.waitForLog(writer: bKey, length: bLength)
        for node in [a, b] {
            #expect(try node.versions("doc").map(\.value) == ["merged by B"], "\(node)")
            #expect(try node.entry("doc")?["conflict"] as? Bool == false, "\(node)")
        }
        // And naming the current version explicitly replaces it too.
        let current = try #require(try a.versions("doc").first?.id)
        #expect(try a.run(["put", "doc", "final from A", "--replaces", current]).status == 0)
        aLength += 1
        try bNode.waitForLog(writer: aKey, length: aLength)
        for node in [a, b] {
            #expect(try node.versions("doc").map(\.value) == ["final from A"], "\(node)")
        }
        bNode.stop()
        aNode.stop()
    }

    @Test func aStaleDeleteKeepsTheConcurrentEdit() throws {
        let origin = try NodeFixture(name: "a")
        let (a, aNode, b, bNode) = try Processes.servingPair(origin)
        let aKey = origin.deviceKey, bKey = try #require(b.deviceKey)
        #expect(try a.run(["put", "note", "original"]).status == 0)
        try bNode.waitForLog(writer: aKey, length: try #require(try a.logLengths()[aKey]))
        let staleID = try #require(try b.versions("note").first?.id)
        #expect(try a.run(["put", "note", "edited on A"]).status == 0)
        try bNode.waitForLog(writer: aKey, length: try #require(try a.logLengths()[aKey]))
        // B deletes the version it read: A's edit, written meanwhile, stays alongside the deletion.
        #expect(try b.run(["del", "note", "--replaces", staleID]).status == 0)
        try aNode.waitForLog(writer: bKey, length: try #require(try b.logLengths()[bKey]))
        for node in [a, b] {
            let versions = try #require(try node.entry("note")?["versions"] as? [[String: Any]], "\(node): the key is still listed")
            #expect(versions.count == 2, "\(node)")
            #expect(versions.filter { $0["deleted"] as? Bool == true }.count == 1, "\(node)")
            #expect(versions.compactMap { $0["value"] as? String } == ["edited on A"], "\(node)")
        }
        bNode.stop()
        aNode.stop()
    }
}
