import Dispatch
import Foundation
@testable import HyphaEngine
@testable import HyphaTUI
import Synchronization
import Testing

/// The effects runner and the local backend against a real node on disk (real Argon2id for
/// the unlock path, real SQLite, real signatures).
@Suite(.serialized) struct TUIEffectsTests {
    static let words = "abacus abdomen abdominal abide abiding ability ablaze able"

    /// Messages the runner posts from observers (outside `perform`'s return values).
    final class Posted: Sendable {
        private let messages = Mutex<[Message]>([])
        func append(_ message: Message) { messages.withLock { $0.append(message) } }
        var changes: Int {
            messages.withLock { $0.filter { if case .databaseChanged = $0 { return true } else { return false } }.count }
        }
    }

    @Test func aNodeFromOpeningToLocking() throws {
        let dir = TemporaryDirectory()
        let directory = DataDirectory(dir.url.appendingPathComponent("node"))
        let creation = try NodeCreation.create(in: directory, domain: "example.org", nodeName: "laptop",
                                               passphrase: try SecureBytes(copying: Array(Self.words.utf8)))
        creation.database.lock()
        creation.keys.wipe()

        let posted = Posted()
        let runner = EffectsRunner(directory: directory, backend: LocalOnlyBackend(), environment: ["HYPHA_LOCK_AFTER_SECONDS": "7"]) {
            posted.append($0)
        }
        guard case let .nodeOpened(summary) = try #require(runner.perform(.openNode).first) else {
            Issue.record("the node did not open")
            return
        }
        #expect(summary.databaseID == "6d5834187da6611b86a9f2f2c7381cfc2cabd849ad81139d994d61c894cb9c2e")
        #expect(summary.lockAfter == 7)

        // Reads before unlocking give nothing.
        #expect(runner.perform(.loadPage(generation: 1, prefix: "", page: 0, after: nil)).isEmpty)

        let wrong = runner.perform(.unlock(passphrase: SecretText(Array("abacus abdomen abdominal abide abiding ablaze".utf8))))
        guard case let .unlockFailed(reason) = try #require(wrong.first) else {
            Issue.record("a wrong passphrase unlocked: \(wrong)")
            return
        }
        #expect(reason.hasPrefix("Wrong passphrase: it derives database "))
        #expect(reason.hasSuffix(", this node holds 6d583418…"))

        let right = runner.perform(.unlock(passphrase: SecretText(Array(Self.words.utf8))))
        guard case let .unlocked(node) = try #require(right.first) else {
            Issue.record("the right passphrase did not unlock: \(right)")
            return
        }
        #expect(node.writable)

        let saved = runner.perform(.write([.put(key: "b", value: Array("two".utf8)), .put(key: "a", value: Array("one".utf8))],
                                          .saved(key: "a")))
        #expect(saved == [.actionDone(ActionResult(kind: .saved(key: "a"), failure: nil))])
        #expect(posted.changes == 1)

        guard case let .pageLoaded(page) = try #require(runner.perform(.loadPage(generation: 3, prefix: "", page: 0, after: nil)).first) else {
            Issue.record("no page")
            return
        }
        #expect(page.rows.map(\.key) == ["a", "b"])
        #expect(page.rows.first?.value == Array("one".utf8))
        #expect(runner.perform(.count(generation: 3, prefix: "b")) == [.counted(generation: 3, prefix: "b", count: 1)])
        let scan = runner.perform(.scanKeys(generation: 3, scanGeneration: 0, prefix: "", after: nil, scanned: 0))
        #expect(scan == [.keysScanned(KeyScan(generation: 3, scanGeneration: 0, anchors: [], lastKey: "b", scanned: 2, done: true))])

        guard case let .nodesLoaded(rows, writable, revocation) = try #require(runner.perform(.loadNodes).first) else {
            Issue.record("no nodes")
            return
        }
        #expect(writable)
        #expect(revocation == nil)
        #expect(rows.map(\.name) == ["laptop"])
        #expect(rows.first?.isThisNode == true)

        let join = runner.perform(.join(domain: "example.org", passphrase: SecretText(Array(Self.words.utf8)), peer: "x:1", name: "n"))
        guard case let .joinFailed(why) = try #require(join.first) else {
            Issue.record("join did not fail: \(join)")
            return
        }
        #expect(why.contains("joining needs the network runtime"))

        #expect(runner.perform(.lock) == [.locked])
        #expect(runner.perform(.loadPage(generation: 3, prefix: "", page: 0, after: nil)).isEmpty)
        let refused = runner.perform(.write([.put(key: "c", value: [])], .saved(key: "c")))
        #expect(refused == [.actionDone(ActionResult(kind: .saved(key: "c"), failure: NodeError.locked.description))])
    }

    @Test func revokingCutsTheWriterOffAtWhatThisNodeHolds() throws {
        let master = try SecureBytes(copying: [UInt8](repeating: 9, count: 32))
        let originKeys = try Identity.keys(fromMaster: master, domain: "example.org", deviceID: DeviceID(1))
        let otherKeys = try Identity.keys(fromMaster: master, domain: "example.org", deviceID: DeviceID(2))
        let origin = try HyphaDatabase.inMemory(databaseID: originKeys.databaseID)
        let other = try HyphaDatabase.inMemory(databaseID: otherKeys.databaseID)
        try origin.unlock(originKeys)
        try other.unlock(otherKeys)
        let originKey = try #require(originKeys.device?.publicKey)
        let otherKey = try #require(otherKeys.device?.publicKey)
        try origin.append(membership: [
            .make(.genesis(kdfVersion: 1, domain: "example.org"), database: originKeys.root, createdAt: 1),
            .make(.addWriter(writer: originKey, name: "origin", addedBy: originKey), database: originKeys.root, createdAt: 1),
            .make(.addWriter(writer: otherKey, name: "other", addedBy: originKey), database: originKeys.root, createdAt: 2),
        ])
        try Self.pull(into: other, from: origin)
        try other.write([.put(key: "before", value: [1])])
        try other.write([.put(key: "also-before", value: [2])])
        try Self.pull(into: origin, from: other)

        let backend = LocalOnlyBackend()
        #expect(throws: NodeError.locked) { try backend.revoke(writer: otherKey) }
        try backend.start(OpenNode(directory: DataDirectory(URL(fileURLWithPath: "/nonexistent")),
                                   config: NodeConfig(database: originKeys.databaseID, domain: "example.org", nodeName: "origin",
                                                      deviceID: DeviceID(1), role: .full),
                                   database: origin, keys: originKeys))
        try backend.revoke(writer: otherKey)
        let info = try #require(try origin.writers().first { $0.key == otherKey })
        #expect(info.status == .removed)
        #expect(info.acceptedLength == info.length)
        #expect(throws: NodeError.alreadyRevoked("other")) { try backend.revoke(writer: otherKey) }

        // What the revoked node writes later is ignored, what it wrote before stays.
        try other.write([.put(key: "after", value: [3])])
        try Self.pull(into: origin, from: other)
        #expect(try origin.entry("before") != nil)
        #expect(try origin.entry("also-before") != nil)
        #expect(try origin.entry("after") == nil)
        #expect(backend.peers().isEmpty)
        #expect(backend.pendingRequests().isEmpty)
    }

    @Test func queuedReadsOfASupersededFilterAreSkipped() throws {
        let master = try SecureBytes(copying: [UInt8](repeating: 5, count: 32))
        let keys = try Identity.keys(fromMaster: master, domain: "example.org", deviceID: DeviceID(1))
        let database = try HyphaDatabase.inMemory(databaseID: keys.databaseID)
        let config = NodeConfig(database: keys.databaseID, domain: "example.org", nodeName: "n", deviceID: DeviceID(1), role: .full)
        let counted = Mutex<[Int]>([])
        let done = DispatchSemaphore(value: 0)
        let runner = EffectsRunner(directory: DataDirectory(URL(fileURLWithPath: "/nonexistent")), backend: LocalOnlyBackend(),
                                   environment: [:]) { message in
            guard case let .counted(generation, _, _) = message else { return }
            counted.withLock { $0.append(generation) }
            if generation == 3 { done.signal() }
        }
        _ = try runner.adopt(OpenNode(directory: DataDirectory(URL(fileURLWithPath: "/nonexistent")), config: config,
                                      database: database, keys: keys))
        let gate = DispatchSemaphore(value: 0)
        runner.queue.async { gate.wait() }  // holds the queue while the person types
        runner.submit(.count(generation: 1, prefix: "a"))
        runner.submit(.count(generation: 2, prefix: "ab"))
        runner.submit(.count(generation: 3, prefix: "abc"))
        gate.signal()
        #expect(done.wait(timeout: .now() + 10) == .success)
        runner.shutdown()
        #expect(counted.withLock { $0 } == [3])
    }

    /// Every block `source` has beyond what `target` holds, chunk by chunk, as replication would.
    static func pull(into target: HyphaDatabase, from source: HyphaDatabase) throws {
        let held = Dictionary(uniqueKeysWithValues: try target.heads().map { ($0.writer, $0.signed.length) })
        for head in try source.heads() where head.signed.length > held[head.writer] ?? 0 {
            for chunk in try source.chunks(writer: head.writer, start: held[head.writer] ?? 0, end: head.signed.length, maxBytes: 1 << 20) {
                _ = try target.ingest(chunk)
            }
        }
    }
}
