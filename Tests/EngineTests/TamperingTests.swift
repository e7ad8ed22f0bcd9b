import Foundation
import GRDB
import Testing
@testable import HyphaEngine

/// Each kind of tampering is refused with a reason and leaves the rest of the database intact.
@Suite struct TamperingTests {
    let master = SimulatedNode.master(4)

    func origin(entries: Int = 5) throws -> SimulatedNode {
        let a = try SimulatedNode(master: master, deviceID: 1)
        try a.createDatabase()
        for i in 0..<entries { try a.put("k\(i)", "v\(i)") }
        return a
    }

    @Test func aFlippedBitInAnyReceivedBlockIsRejected() throws {
        let a = try origin()
        let chunk = try #require(try a.database.chunks(writer: a.deviceKey, start: 0, end: .max, maxBytes: 1 << 20).first)
        for blockIndex in chunk.blocks.indices {
            for bit in [0, 7, 8 * chunk.blocks[blockIndex].count - 1] {
                let receiver = try SimulatedNode(master: master, deviceID: 2)
                var tampered = chunk
                tampered.blocks[blockIndex][bit / 8] ^= UInt8(1 << (bit % 8))
                let outcome = try receiver.database.ingest(tampered)
                guard case let .rejected(reason) = outcome else { Issue.record("accepted a tampered block \(blockIndex)"); continue }
                #expect(reason.contains("do not match the signed tree hash"))
                #expect(try receiver.database.heads().isEmpty)
                #expect(try receiver.database.rejections().first?.reason == reason)
            }
        }
    }

    @Test func aWrongSignatureIsRejectedAndTheRestStays() throws {
        let a = try origin()
        let receiver = try SimulatedNode(master: master, deviceID: 2)
        let chunks = try a.database.chunks(writer: a.deviceKey, start: 0, end: .max, maxBytes: 1)
        _ = try receiver.database.ingest(chunks[0])
        var forged = chunks[1]
        let last = forged.signatures.removeLast()
        var signature = last.signature
        signature[5] ^= 0x40
        forged.signatures.append(SignedTree(length: last.length, treeHash: last.treeHash, signature: signature))
        #expect(try receiver.database.ingest(forged) == .rejected(reason: "the signature is not the writer's"))
        // Signed by someone else entirely.
        let mallory = try SigningKeyPair(seed: SecureBytes(copying: [UInt8](repeating: 9, count: 32)))
        var roots = MerkleRoots()
        roots.append(blocks: chunks[0].blocks + chunks[1].blocks)
        var impostor = chunks[1]
        impostor.signatures = [SignedTree(signing: roots, with: mallory)]
        #expect(try receiver.database.ingest(impostor) == .rejected(reason: "the signature is not the writer's"))
        #expect(try receiver.database.heads().first?.signed.length == chunks[0].end)
        for chunk in chunks.dropFirst() { _ = try receiver.database.ingest(chunk) }
        #expect(try receiver.snapshot() == a.snapshot())
    }

    @Test func blocksFromAWriterNobodyAddedAreKeptAside() throws {
        let a = try origin()
        let stranger = try SimulatedNode(master: master, deviceID: 99)
        try stranger.pull(from: a)
        // The stranger knows the passphrase's data key but nobody authorised its device key:
        // it cannot write through the engine, so forge its log directly.
        let op = DataOperation.make(.init(key: "k0", value: Array("hijacked".utf8)), timestamp: 1, dependencies: [],
                                    database: a.keys.databaseID, writer: stranger.deviceKey, dataKey: stranger.keys.dataKey)
        let blocks = [Entry.data(op).encoded()]
        var roots = MerkleRoots()
        roots.append(blocks: blocks)
        let chunk = LogChunk(writer: stranger.deviceKey, start: 0, blocks: blocks,
                             signatures: [SignedTree(signing: roots, with: stranger.keys.device!)])
        #expect(try a.database.ingest(chunk) == .stored(newLength: 1))
        #expect(try a.value("k0") == "v0")
        let info = try #require(try a.database.writers().first { $0.key == stranger.deviceKey })
        #expect(info.status == .unknown)
        #expect(info.appliedLength == 0)
    }

    @Test func aMembershipOperationNotSignedByTheRootIsIgnoredWithAReason() throws {
        let a = try origin()
        let b = try SimulatedNode(master: master, deviceID: 2)
        // Signed by a's device key instead of the root key.
        let forged = MembershipOperation.make(.addWriter(writer: b.deviceKey, name: "sneaky", addedBy: a.deviceKey),
                                              database: a.keys.device!, createdAt: 5)
        #expect(!forged.verify(database: a.keys.databaseID))
        try a.database.append(membership: [forged])
        #expect(try a.database.status(of: b.deviceKey) == .unknown)
        let invalid = try a.database.invalidEntries()
        #expect(invalid.contains { $0.writer == a.deviceKey && $0.reason == "membership operation not signed by the database root key" })
        try b.pull(from: a)
        #expect(throws: NodeError.notWritable) { try b.put("x", "y") }
        #expect(try b.value("k4") == "v4")
    }

    @Test func aFlippedBitInAStoredBlockCapsThatLogOnly() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("hypha-tamper-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let path = dir.appendingPathComponent("hypha.sqlite").path
        let a = try SimulatedNode(master: master, deviceID: 1, path: path)
        try a.createDatabase()
        let b = try SimulatedNode(master: master, deviceID: 2)
        try a.authorise(b, name: "b")                           // block 2
        for i in 0..<6 { try a.put("k\(i)", "v\(i)") }          // blocks 3…8, one batch each
        try b.pull(from: a)
        try b.put("from-b", "intact")
        try a.pull(from: b)
        // Damage block 5 of a's own log on disk.
        let queue = try DatabaseQueue(path: path)
        try queue.write { db in
            try db.execute(sql: """
                UPDATE blocks SET data = CAST(zeroblob(1) AS BLOB) || substr(data, 2)
                WHERE id = ((SELECT id FROM writers WHERE key = ?) << 40) | 5
                """, arguments: [Data(a.deviceKey.bytes)])
        }
        let problems = try a.database.verifyLogs()
        #expect(problems.count == 1)
        #expect(problems.first?.contains("only the first 5 count") == true)
        try a.database.rebuildView()
        #expect(try a.value("k1") == "v1")      // block 4: before the damage
        #expect(try a.value("k2") == nil)       // block 5 and later do not count
        #expect(try a.value("from-b") == "intact")
        #expect(try a.database.writers().first { $0.key == a.deviceKey }?.acceptedLength == 5)
    }

    @Test func twoSignedVersionsOfALogAreKeptAsAForkProof() throws {
        let a = try origin(entries: 2)
        let b = try SimulatedNode(master: master, deviceID: 2)
        let twin = try SimulatedNode(master: master, deviceID: 2)   // the same device key twice
        try a.authorise(b, name: "b")
        try b.pull(from: a)
        try twin.pull(from: a)
        try b.put("x", "one version")
        try twin.put("x", "another version")
        try a.pull(from: b)
        let chunk = try #require(try twin.database.chunks(writer: twin.deviceKey, start: 0, end: .max, maxBytes: 1 << 20).first)
        guard case let .forkRecorded(proof) = try a.database.ingest(chunk) else { Issue.record("no fork recorded"); return }
        #expect(proof.index == 0 && proof.writer == b.deviceKey)
        let forks = try a.database.forks()
        #expect(forks.count == 1)
        #expect(forks.first?.writer == b.deviceKey)
        #expect(forks.first?.index == 0)
        #expect(try a.value("x") == nil)   // nothing of the forked part counts
        #expect(try a.database.writers().first { $0.key == b.deviceKey }?.forkedAt == 0)
    }
}
