import Foundation
import NIOCore
import Testing
@testable import HyphaEngine

/// Storage budgets under attack, with real processes: a peer that knows only the database id
/// (it connects with the capability, holds no passphrase) pushes 200 logs of 10 MiB each by
/// writers nobody added. Every node keeps at most 16 blocks / 64 KiB of each such log, grows by
/// far less than the 64 MiB per-database budget, keeps serving its peers and does not crash.
@Suite(.serialized) struct BudgetTests {
    @Test func aFloodOfUnknownLogsStaysWithinTheBudget() throws {
        let origin = try NodeFixture(name: "a")
        let a = DataDir(origin, name: "a")
        let aNode = try origin.serve()
        let aAddress = try aNode.listeningAddress()
        let b = DataDir("b", path: origin.temp.path("b"), passphraseFile: origin.passphraseFile)
        let bNode = try Processes.join("b", path: b.path, passphraseFile: origin.passphraseFile, peers: [aAddress], selfAuthorise: true)
        try bNode.waitFor(event: "selfAuthorised")
        let relayDir = DataDir("relay", path: origin.temp.path("relay"), passphraseFile: nil)
        let relay = try Processes.relay(relayDir.path, databaseID: origin.databaseID, peers: [aAddress])
        let aKey = origin.deviceKey
        var aLength = try #require(try a.logLengths()[aKey])
        #expect(try a.run(["put", "before", "the attack"]).status == 0)
        aLength += 1
        for node in [bNode, relay] { try node.waitForLog(writer: aKey, length: aLength) }
        let nodes = [a, b, relayDir]
        let before = nodes.map(\.databaseBytes)

        let databaseID = try #require(PublicKey(hex: origin.databaseID))
        let flood = try FloodStore(databaseID: databaseID, logs: 200)
        let attacker = try FloodAttacker(store: flood, connectTo: aAddress)
        let started = Date()

        // During the attack A keeps serving B.
        try Poll.until("A stores some of the flood", timeout: 120, interval: 0.5,
                       detail: { "served \(flood.servedBytes) bytes in \(attacker.sessions) sessions; A: \(aNode.output.split(separator: "\n").filter { $0.contains("disconnected") || $0.contains("rejected") }.suffix(5))\nnodes: \(String(describing: try a.run(["nodes", "--json"])).prefix(2000))" }) { try unknownLogs(a).count >= 20 }
        #expect(try a.run(["put", "during", "the attack"]).status == 0)
        aLength += 1
        try bNode.waitForLog(writer: aKey, length: aLength, timeout: 60)
        #expect(try b.entry("during")?["value"] as? String == "the attack")

        // The attack runs its course: every log is kept within its budget on every node.
        for node in nodes {
            try Poll.until("\(node) holds the budget of all 200 logs", timeout: 300, interval: 1,
                           detail: { "\(node): \(try unknownLogs(node).count) logs, lengths \(Set(try unknownLogs(node).values))" }) {
                let logs = try unknownLogs(node)
                return logs.count == 200 && logs.values.allSatisfy { $0 == FloodStore.keptBlocks }
            }
        }
        let attackSeconds = Date().timeIntervalSince(started)
        let after = nodes.map(\.databaseBytes)
        for (index, node) in nodes.enumerated() {
            let logs = try unknownLogs(node)
            #expect(logs.values.allSatisfy { $0 <= 16 }, "\(node) keeps more than 16 blocks of a log nobody added")
            let growth = after[index] - before[index]
            // 64 MiB is the budget for all logs nobody added; the allowance on top is the WAL,
            // which is checkpointed once it passes 16 MiB (so it may hold up to 16 MiB plus one
            // transaction), and SQLite's pages and index for the rows (well under 4 MiB here).
            #expect(growth <= (64 + 16 + 4) * 1024 * 1024, "\(node) grew by \(growth) bytes")
            print("budget: \(node) grew by \(growth / 1024) KiB (\(before[index] / 1024) → \(after[index] / 1024) KiB)")
        }
        print("budget: the attacker served \(flood.servedBytes / 1_048_576) MiB in \(Int(attackSeconds)) s over \(attacker.sessions) sessions")

        // After the attack A still serves B, and every node is intact and running.
        #expect(try a.run(["put", "after", "the attack"]).status == 0)
        aLength += 1
        try bNode.waitForLog(writer: aKey, length: aLength, timeout: 60)
        #expect(try b.entry("after")?["value"] as? String == "the attack")
        for node in nodes {
            let check = try node.run(["check"])
            #expect(check.status == 0, "\(node): \(check.stdout)")
            // The flood counts nowhere: the database's nodes are A and B only.
            #expect(Set(try node.nodes().filter { $0["status"] as? String == "authorised" }.compactMap { $0["name"] as? String }) == ["a", "b"])
        }
        #expect(try a.listing() == (try b.listing()))
        for node in [aNode, bNode, relay] { #expect(node.isRunning, "\(node.name) exited") }
        attacker.stop()
        for node in [relay, bNode, aNode] { node.stop() }
    }

    /// A peer that knows only the database id pushes blocks unasked that do not count (the rest
    /// of 40 logs nobody added, 10 MiB each, to a node that holds their first 16 blocks, again on
    /// every reconnection): the node closes it as overloaded once the node's budget (16 MiB, then
    /// 256 KiB/s) is spent, and takes far less than the 400 MiB offered each time.
    @Test func unaskedBlocksThatDoNotCountArePaidFromABudget() throws {
        let origin = try NodeFixture(name: "a")
        let a = DataDir(origin, name: "a")
        let aNode = try origin.serve()
        let aAddress = try aNode.listeningAddress()
        let databaseID = try #require(PublicKey(hex: origin.databaseID))
        let flood = try FloodStore(databaseID: databaseID, logs: 40, hidingTheBigBlocks: true)
        let attacker = try FloodAttacker(store: flood, connectTo: aAddress, reconnectDelay: .milliseconds(50), relentless: true)
        try Poll.until("A holds the 16 blocks it may keep of each log", timeout: 60, interval: 0.2) {
            let logs = try unknownLogs(a)
            return logs.count == 40 && logs.values.allSatisfy { $0 == FloodStore.keptBlocks }
        }
        let before = a.databaseBytes
        let heads = flood.reveal()
        let readBefore = ProcFS.bytesRead(aNode.pid)
        // Push on this session and on every one after it, for 8 s.
        let started = Date()
        var sessions = attacker.sessions
        attacker.network.notifyLocalChange(heads: heads)
        while Date().timeIntervalSince(started) < 8 {
            try Poll.until("a new session", timeout: 10, interval: 0.05) { attacker.sessions > sessions || Date().timeIntervalSince(started) >= 8 }
            if attacker.sessions > sessions {
                sessions = attacker.sessions
                attacker.network.notifyLocalChange(heads: heads)
            }
        }
        let read = ProcFS.bytesRead(aNode.pid) - readBefore
        let overloaded = attacker.disconnections.filter { $0.contains("budget") }
        print("unasked: A read \(read / 1_048_576) MiB of the 400 MiB offered in 8 s over \(sessions) sessions; \(overloaded.count) closed as overloaded")
        #expect(!overloaded.isEmpty, "never closed as overloaded: \(attacker.disconnections)")
        // 16 MiB of budget and 2 MiB over 8 s, plus what was on its way when the session closed
        // (A stops reading at 8 MiB waiting for its store; socket buffers) and A's own file reads.
        #expect(read < 48 * 1_048_576, "A read \(read) bytes")
        // Nothing of it was kept, and A still works.
        #expect(try unknownLogs(a).values.allSatisfy { $0 == FloodStore.keptBlocks })
        #expect(a.databaseBytes - before < 32 * 1_048_576)
        #expect(try a.run(["put", "after", "the push"]).status == 0)
        #expect(aNode.isRunning)
        attacker.stop()
        aNode.stop()
    }

    /// Logs of writers nobody added whose blocks are all large (512 KiB, beyond the 64 KiB such a
    /// log may keep): a node asks for one block of each and no more, instead of a first bite of
    /// 16 (8 MiB a log).
    @Test func aLogOfLargeBlocksCostsOneBlockToTurnDown() throws {
        let origin = try NodeFixture(name: "a")
        let aNode = try origin.serve()
        let aAddress = try aNode.listeningAddress()
        let databaseID = try #require(PublicKey(hex: origin.databaseID))
        let flood = try FloodStore(databaseID: databaseID, logs: 20, smallBlocks: 0)
        let readBefore = ProcFS.bytesRead(aNode.pid)
        let attacker = try FloodAttacker(store: flood, connectTo: aAddress)
        // A asks for what it wants within a moment; then nothing more is asked.
        try Poll.until("A has looked at every log", timeout: 30, interval: 0.2) { flood.servedBytes >= 20 * FloodStore.bigSize }
        var served = flood.servedBytes
        try Poll.until("A asks for nothing more", timeout: 30, interval: 1) {
            defer { served = flood.servedBytes }
            return flood.servedBytes == served
        }
        let read = ProcFS.bytesRead(aNode.pid) - readBefore
        print("large blocks: A asked for \(flood.servedBytes / 1_048_576) MiB and read \(read / 1_048_576) MiB for 20 logs it cannot keep")
        #expect(flood.servedBytes <= 20 * FloodStore.bigSize + 1_048_576, "served \(flood.servedBytes) bytes")
        #expect(read < 32 * 1_048_576, "A read \(read) bytes")
        #expect(try origin.run(["put", "still", "working"]).status == 0)
        attacker.stop()
        aNode.stop()
    }

    /// Logs of writers nobody added, by key, with their stored lengths.
    private func unknownLogs(_ node: DataDir) throws -> [String: Int] {
        Dictionary(try node.nodes().filter { $0["status"] as? String == "unknown" }
            .map { ($0["key"] as? String ?? "", $0["length"] as? Int ?? 0) }) { a, _ in a }
    }
}

/// The attacker: the engine's own network over a store that serves the flood.
final class FloodAttacker: Sendable {
    let network: PeerNetwork
    private let opened: LockedBox<Int>
    private let reasons: LockedBox<[String]>
    /// Sessions the target opened with it (it is disconnected and comes back).
    var sessions: Int { opened.withLock { $0 } }
    /// Why each of its sessions ended.
    var disconnections: [String] { reasons.withLock { $0 } }

    /// `relentless`: it queues whatever it pushes, however slowly the target reads (a real
    /// attacker does not disconnect itself as a node does from a peer that stops reading).
    init(store: FloodStore, connectTo address: String, reconnectDelay: TimeAmount = .milliseconds(500), relentless: Bool = false) throws {
        let connected = DispatchSemaphore(value: 0)
        let opened = LockedBox(0)
        let reasons = LockedBox([String]())
        self.opened = opened
        self.reasons = reasons
        var configuration = NetworkConfiguration(nodeName: "flood")
        configuration.reconnectInitialDelay = reconnectDelay
        if relentless {
            configuration.maxQueuedOutboundBytes = 1 << 30
            configuration.stalledPeerTimeout = .seconds(600)
        }
        network = PeerNetwork(store: store, configuration: configuration) { event in
            switch event {
            case .connected:
                opened.withLock { $0 += 1 }
                connected.signal()
            case let .disconnected(_, _, reason):
                reasons.withLock { $0.append(reason) }
            default:
                break
            }
        }
        network.connect(to: try PeerAddress(parsing: address))
        guard connected.wait(timeout: .now() + 20) == .success else {
            throw NodeProcessError(message: "the attacker could not connect")
        }
    }

    func stop() {
        let network = self.network
        let done = DispatchSemaphore(value: 0)
        Task { await network.shutdown(); done.signal() }
        done.wait()
    }
}

/// A `ReplicationStore` holding `logs` validly signed Hypercore logs of writers nobody added
/// (fresh Ed25519 keys), made on demand: per log, 16 blocks of 4 KiB (exactly the 64 KiB a node
/// may keep of such a log) and then 20 blocks of 512 KiB, about 10 MiB. Every block is its own
/// signed batch, so a receiver can keep any prefix. It serves whatever is asked and wants nothing.
final class FloodStore: ReplicationStore, @unchecked Sendable {
    static let smallSize = 4096, bigBlocks = 20, bigSize = 512 * 1024
    /// What a node keeps of each log: 16 blocks, 64 KiB.
    static let keptBlocks = 16

    let databaseID: DatabaseID
    private let keys: [SigningKeyPair]
    private let index: [PublicKey: Int]
    /// Big blocks are the same in every log (only their signatures differ), so they are hashed once.
    private let big: [[UInt8]]
    private let bigLeaves: [[UInt8]]
    private var fullHeads: [SignedHead] = []
    private let lock = NSLock()
    private var served = 0
    /// Blocks of each log it shows (guarded by `lock`): all, or the first 16 until `reveal()`.
    private var shown: Int
    private var shownHeads: [SignedHead] = []

    var servedBytes: Int { lock.withLock { served } }

    /// `hidingTheBigBlocks`: it shows only the 16 small blocks of each log until `reveal()`, so
    /// that a peer holding them can be pushed the rest unasked.
    /// Small blocks at the start of each log (16; 0 for logs of big blocks only).
    let smallBlocks: Int
    var length: Int { smallBlocks + Self.bigBlocks }

    init(databaseID: DatabaseID, logs: Int, hidingTheBigBlocks: Bool = false, smallBlocks: Int = 16) throws {
        self.smallBlocks = smallBlocks
        shown = hidingTheBigBlocks ? smallBlocks : smallBlocks + Self.bigBlocks
        self.databaseID = databaseID
        keys = try (0..<logs).map { k in
            try SigningKeyPair(seed: SecureBytes(copying: Blake2b.hash(Array("hypha test flood writer \(k)".utf8))))
        }
        index = Dictionary(uniqueKeysWithValues: keys.enumerated().map { ($1.publicKey, $0) })
        big = (0..<Self.bigBlocks).map { i in Self.entryLike(fill: UInt8(truncatingIfNeeded: 0x80 + i), size: Self.bigSize, tag: [UInt8(i)]) }
        bigLeaves = big.map { LogHash.leaf($0) }
        fullHeads = keys.indices.map { signed(log: $0, length: length) }
        shownHeads = hidingTheBigBlocks ? keys.indices.map { signed(log: $0, length: smallBlocks) } : fullHeads
    }

    /// Shows every block; returns the new heads (to announce as a local change, which pushes
    /// them to a peer at the previous length).
    func reveal() -> [SignedHead] {
        lock.withLock {
            shown = length
            shownHeads = fullHeads
        }
        return fullHeads
    }

    /// A block that starts like a put entry (version 1, kind 16) and is filler after that.
    private static func entryLike(fill: UInt8, size: Int, tag: [UInt8]) -> [UInt8] {
        var block = [UInt8](repeating: fill, count: size)
        block[0] = 1
        block[1] = 16
        for (offset, byte) in tag.enumerated() { block[2 + offset] = byte }
        return block
    }

    private func block(log k: Int, _ i: Int) -> [UInt8] {
        if i >= smallBlocks { return big[i - smallBlocks] }
        let tag = withUnsafeBytes(of: UInt32(k).littleEndian, Array.init) + [UInt8(i)]
        return Self.entryLike(fill: UInt8(truncatingIfNeeded: k &+ i), size: Self.smallSize, tag: tag)
    }

    private func roots(log k: Int, length: Int) -> MerkleRoots {
        var roots = MerkleRoots()
        for i in 0..<length {
            if i < smallBlocks {
                roots.append(block: block(log: k, i))
            } else {
                roots.append(leafHash: bigLeaves[i - smallBlocks], size: UInt64(Self.bigSize))
            }
        }
        return roots
    }

    private func signed(log k: Int, length: Int) -> SignedHead {
        let tree = SignedTree(signing: roots(log: k, length: length), with: keys[k])
        return SignedHead(writer: keys[k].publicKey, length: tree.length, treeHash: tree.treeHash, signature: tree.signature)
    }

    func heads() throws -> [SignedHead] { lock.withLock { shownHeads } }

    func chunks(writer: PublicKey, start: UInt64, end: UInt64, maxBytes: Int) throws -> [BlockChunk] {
        let length = lock.withLock { shown }
        guard let k = index[writer], start < UInt64(length) else { return [] }
        let stop = Int(min(end, UInt64(length)))
        var chunks: [BlockChunk] = []
        for i in Int(start)..<stop {
            let block = block(log: k, i)
            chunks.append(BlockChunk(writer: writer, start: UInt64(i), blocks: [block], signed: signed(log: k, length: i + 1)))
        }
        let bytes = chunks.reduce(0) { $0 + $1.byteCount }
        lock.withLock { served += bytes }
        return chunks
    }

    func ingest(_ chunk: BlockChunk) throws -> IngestResult { .notCounted }
    func evidence() throws -> [Evidence] { [] }
    func ingest(evidence: Evidence) throws -> EvidenceResult { .known }
}
