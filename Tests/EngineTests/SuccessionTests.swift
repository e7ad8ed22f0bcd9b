import Testing
@testable import HyphaEngine

/// A new passphrase without losing anything: the successor starts from the state at the
/// succession point (conflicts stay conflicts), the old database is frozen, other devices follow
/// and carry over what they wrote meanwhile; two different successions are a compromise signal.
@Suite struct SuccessionTests {
    let old = SimulatedNode.master(91)
    let new = SimulatedNode.master(92)

    /// Three devices of the old database with some history, a conflict among it.
    func devices() throws -> (a: SimulatedNode, b: SimulatedNode, c: SimulatedNode) {
        let (a, b) = try SimulatedNode.authorisedPair(master: old, names: ("a", "b"))
        let c = try SimulatedNode(master: old, deviceID: 3, clock: a.clock)
        try a.authorise(c, name: "c")
        try c.pull(from: a)
        try a.put("shared", "from a")
        try b.put("shared", "from b")          // concurrent: a conflict
        try a.put("plain", "value")
        for node in [a, b, c] { for other in [a, b, c] where other !== node { try node.pull(from: other) } }
        return (a, b, c)
    }

    /// The successor database of a device (keys from the new passphrase, the same device id).
    func successor(of node: SimulatedNode) throws -> SimulatedNode {
        try SimulatedNode(master: new, deviceID: node.keys.deviceID!.value, clock: node.clock)
    }

    /// Copying a large state reports its progress batch by batch, ending at the total.
    @Test func rekeyReportsItsProgress() throws {
        let (a, _, _) = try devices()
        for part in 0..<2 { try a.database.write((0..<2500).map { .put(key: "bulk/\(part)/\($0)", value: [UInt8]("v".utf8)) }) }
        let a2 = try successor(of: a)
        var reports: [(Int, Int)] = []
        let succession = try a.database.rekey(into: a2.database, name: "a") { reports.append(($0, $1)) }
        // 5,000 bulk keys, "shared" (two versions: a conflict) and "plain": 5,003 copies.
        #expect(reports.map(\.1).allSatisfy { $0 == reports.last?.1 })
        #expect(reports.count >= 2 && reports.map(\.0) == reports.map(\.0).sorted())
        #expect(reports.last?.0 == reports.last?.1)
        #expect(reports.last?.0 == 5003 && UInt64(5003) == succession.copies.count)
    }

    @Test func followersGetTheSameStateAndLateWritesAreCarriedOver() throws {
        let (a, b, c) = try devices()
        // C goes offline and writes; meanwhile A changes the passphrase.
        for i in 0..<10 { try c.put("late/\(i)", "written offline") }
        try c.put("plain", "edited offline")
        let a2 = try successor(of: a)
        let succession = try a.database.rekey(into: a2.database, name: "a")
        #expect(succession.successor == a2.database.databaseID)
        #expect(Set(try a2.values("shared")) == ["from a", "from b"], "conflicts stay conflicts")
        #expect(try a2.value("plain") == "value")
        // The old database takes no new writes.
        #expect(performing: { try a.put("after", "no") }, throws: { error in
            if case .moved? = error as? NodeError { return true }
            return false
        })

        // B hears of it, follows: same state.
        try b.pull(from: a)
        #expect(try b.database.successionStatus().candidates.map(\.successor) == [a2.database.databaseID])
        let b2 = try successor(of: b)
        try b2.pull(from: a2)
        #expect(try b.database.follow(into: b2.database, name: "b") == 0)
        #expect(try b2.snapshot().contains("shared"))
        #expect(Set(try b2.values("shared")) == ["from a", "from b"])

        // C comes back: told, follows, its 11 late writes appear in the successor.
        try c.pull(from: a)
        let c2 = try successor(of: c)
        try c2.pull(from: a2)
        #expect(try c.database.follow(into: c2.database, name: "c") == 11)
        for node in [a2, b2, c2] { for other in [a2, b2, c2] where other !== node { try node.pull(from: other) } }
        for node in [a2, b2, c2] {
            #expect(try node.value("late/9") == "written offline")
            // C's edit saw the copied version: it replaces the copy.
            #expect(try node.values("plain") == ["edited offline"])
        }
        #expect(try a2.snapshot() == b2.snapshot())
        #expect(try b2.snapshot() == c2.snapshot())
    }

    /// A follow that stopped after carrying over (before the node moved) and is run again
    /// carries nothing twice: the successor holds each late write once.
    @Test func followingAgainCarriesNothingTwice() throws {
        let (a, _, c) = try devices()
        for i in 0..<3 { try c.put("late/\(i)", "written offline") }
        try c.put("plain", "edited offline")
        let a2 = try successor(of: a)
        try a.database.rekey(into: a2.database, name: "a")
        try c.pull(from: a)
        let c2 = try successor(of: c)
        try c2.pull(from: a2)
        #expect(try c.database.follow(into: c2.database, name: "c") == 4)
        let once = try c2.snapshot()
        let length = try c2.database.length(of: c2.deviceKey)
        #expect(try c.database.follow(into: c2.database, name: "c") == 4, "the same writes, found carried")
        #expect(try c2.database.length(of: c2.deviceKey) == length, "nothing written again")
        #expect(try c2.snapshot() == once)
        #expect(try c2.values("plain") == ["edited offline"])
    }

    @Test func aLateWriteCompetingWithANewerVersionIsAConflict() throws {
        let (a, _, c) = try devices()
        try c.put("plain", "edited offline")
        let a2 = try successor(of: a)
        try a.database.rekey(into: a2.database, name: "a")
        try a2.put("plain", "edited in the successor")
        try c.pull(from: a)
        let c2 = try successor(of: c)
        try c2.pull(from: a2)
        try c.database.follow(into: c2.database, name: "c")
        try a2.pull(from: c2)
        #expect(Set(try a2.values("plain")) == ["edited in the successor", "edited offline"])
    }

    @Test func twoDifferentSuccessionsAreAConflictThatNobodyFollowsAlone() throws {
        let (a, b, _) = try devices()
        let a2 = try successor(of: a)
        try a.database.rekey(into: a2.database, name: "a")
        // B holds the old passphrase too and makes another successor before hearing of A's.
        let thief = try SimulatedNode(master: SimulatedNode.master(93), deviceID: 2, clock: b.clock)
        try b.database.rekey(into: thief.database, name: "b")
        try a.pull(from: b)
        try b.pull(from: a)
        for node in [a, b] {
            let status = try node.database.successionStatus()
            #expect(status.isConflicting && status.candidates.count == 2)
            #expect(performing: { try node.put("x", "y") }, throws: { error in
                if case .conflictingSuccessions? = error as? NodeError { return true }
                return false
            })
        }
    }

    @Test func theSuccessionVerifiesWithoutASecretAndForgeriesAreRefused() throws {
        let (a, _, _) = try devices()
        let a2 = try successor(of: a)
        try a.database.rekey(into: a2.database, name: "a")
        let log = try #require(try a.database.exportLogs().first { $0.writer == a.deviceKey })
        let block = try #require(log.blocks.last)
        guard case let .membership(op) = try Entry.decode(block), case .succession = op.body else { Issue.record("no succession"); return }
        #expect(op.verify(database: a.database.databaseID))
        var forged = op
        forged.successorSignature[0] ^= 1
        #expect(!forged.verify(database: a.database.databaseID), "the successor's root must sign too")
        // A keyless node (no passphrase) that holds the old logs sees the succession.
        let relay = try HyphaDatabase.inMemory(databaseID: a.database.databaseID)
        for head in try a.database.heads() {
            for chunk in try a.database.chunks(writer: head.writer, start: 0, end: head.signed.length, maxBytes: 1 << 20) { _ = try relay.ingest(chunk) }
        }
        #expect(try relay.successionStatus().candidates.map(\.successor) == [a2.database.databaseID])
    }
}
