import Foundation
import Testing
@testable import HyphaEngine

/// Replicas agree even when a peer hangs up right after sending: blocks a node stored reach its
/// other peers although the connection they came on closed before the store answered.
@Suite(.serialized) struct HangUpRelayTests {
    @Test func blocksStoredAsTheSenderHangsUpStillReachTheOtherPeers() async throws {
        let origin = try NodeFixture(name: "d1")
        let d1Node = try origin.serve()
        let d1Address = try d1Node.listeningAddress()
        let d2 = DataDir("d2", path: origin.temp.path("d2"), passphraseFile: origin.passphraseFile)
        let d2Node = try Processes.join("d2", path: d2.path, passphraseFile: origin.passphraseFile, peers: [d1Address],
                                        selfAuthorise: true)
        try d2Node.waitFor(event: "selfAuthorised")
        try d2Node.waitFor(event: "synced")

        // W: an authorised node's log, written offline, as `hypha log --json` prints it.
        let w = DataDir("w", path: origin.temp.path("w"), passphraseFile: origin.passphraseFile)
        let signIn = try Processes.join("w", path: w.path, passphraseFile: origin.passphraseFile, peers: [], selfAuthorise: true)
        try signIn.waitFor(event: "selfAuthorised")
        signIn.stop()
        #expect(try w.run(["put", "from/w", "hello"]).status == 0)
        let log = try #require(try w.json(["log"]) as? [String: Any])
        let row = try #require((log["writers"] as? [[String: Any]])?.first { $0["key"] as? String == w.deviceKey })
        let key = try #require(PublicKey(hex: row["key"] as? String ?? ""))
        let blocks = (row["blocks"] as? [String] ?? []).compactMap(Hex.decode)
        let head = SignedHead(writer: key, length: UInt64(blocks.count), treeHash: try #require(Hex.decode(row["treeHash"] as? String ?? "")),
                              signature: try #require(Hex.decode(row["signature"] as? String ?? "")))
        #expect(blocks.count == 2)

        // A peer that gives D1 W's log and hangs up at once (its Close right behind the Data).
        let store = OneLogStore(databaseID: try #require(PublicKey(hex: origin.databaseID)), blocks: blocks, head: head)
        // Store calls run on `storeQueue`; hanging up from a block queued behind the serving call
        // puts the hang-up on the event loop right after the Data it sends.
        let storeQueue = DispatchQueue(label: "courier.store")
        let network = PeerNetwork(store: store, configuration: NetworkConfiguration(nodeName: "courier"), storeQueue: storeQueue) { _ in }
        let address = try PeerAddress(parsing: d1Address)
        store.onServe = { storeQueue.async { network.disconnect(from: address) } }
        network.connect(to: address)
        try d1Node.waitForLog(writer: key.hex, length: blocks.count)
        try d1Node.waitFor(event: "disconnected")

        // D2, connected to D1 all along, gets the log from D1.
        try d2Node.waitForLog(writer: key.hex, length: blocks.count, timeout: 20)
        #expect(try d2.entry("from/w")?["value"] as? String == "hello")
        await network.shutdown()
        d2Node.stop()
        d1Node.stop()
    }
}

/// Serves one log as a single chunk and wants nothing; calls `onServe` when it serves.
final class OneLogStore: ReplicationStore, @unchecked Sendable {
    let databaseID: DatabaseID
    private let blocks: [[UInt8]]
    private let head: SignedHead
    private let hook = LockedBox<(@Sendable () -> Void)?>(nil)
    var onServe: (@Sendable () -> Void)? {
        get { hook.withLock { $0 } }
        set { hook.withLock { $0 = newValue } }
    }

    init(databaseID: DatabaseID, blocks: [[UInt8]], head: SignedHead) {
        self.databaseID = databaseID
        self.blocks = blocks
        self.head = head
    }

    func heads() throws -> [SignedHead] { [head] }

    func chunks(writer: PublicKey, start: UInt64, end: UInt64, maxBytes: Int) throws -> [BlockChunk] {
        guard writer == head.writer, start < head.length else { return [] }
        onServe?()
        return [BlockChunk(writer: writer, start: start, blocks: Array(blocks[Int(start)...]), signed: head)]
    }

    func ingest(_ chunk: BlockChunk) throws -> IngestResult { .notCounted }
    func evidence() throws -> [Evidence] { [] }
    func ingest(evidence: Evidence) throws -> EvidenceResult { .known }
}
