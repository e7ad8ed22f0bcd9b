import Foundation
import Testing
@testable import HyphaEngine

/// A relay under connection floods and a peer that stops reading, with real processes on
/// 127.0.0.1: memory stays bounded, legitimate peers get through, the node survives.
@Suite(.serialized) struct HostileNetworkTests {
    /// An origin with data and an always-on relay that dials it (its dialled link is not an
    /// inbound place). Returns the relay's port too.
    private func relayWithData(entries: Int) throws -> (NodeFixture, NodeProcess, NodeProcess, String, Int) {
        let origin = try NodeFixture(name: "origin")
        let lines = (0..<entries).map { "{\"key\":\"k\(String(format: "%06d", $0))\",\"value\":\"\(String(repeating: "v", count: 200))\"}" }
        #expect(try origin.run(["import", origin.temp.file("in.jsonl", lines.joined(separator: "\n"))]).status == 0)
        let originNode = try origin.serve()
        let relay = try NodeProcess("relay", ["serve", "--always-on", "--database", origin.databaseID, "--name", "relay",
                                              "--data-dir", origin.temp.path("relay"), "--listen", "127.0.0.1:0",
                                              "--peer", try originNode.listeningAddress()])
        let address = try relay.listeningAddress()
        try relay.waitForLog(writer: origin.deviceKey, length: entries + 2)
        return (origin, originNode, relay, address, try #require(Int(address.split(separator: ":").last ?? "")))
    }

    private func join(_ origin: NodeFixture, via address: String, name: String) throws -> NodeProcess {
        try NodeProcess(name, ["join", "--domain", "example.org", "--data-dir", origin.temp.path(name), "--name", name, "--peer", address],
                        environment: ["HYPHA_PASSPHRASE_FILE": origin.passphraseFile, "HYPHA_JOIN_RESEND_MS": "600000"])
    }

    @Test func aRelayUnderAFloodStaysSmallAndALegitimatePeerSyncs() throws {
        let (origin, originNode, relay, address, port) = try relayWithData(entries: 2000)
        let before = ProcFS.residentBytes(relay.pid)
        let baseline = ProcFS.openFiles(relay.pid)
        let sampler = RSSSampler(pid: relay.pid)
        let attacker = try NodeProcess.attacker(port: port, connections: 200)
        try attacker.waitFor(event: "started")
        #expect(NodeProcess.eventually { ProcFS.openFiles(relay.pid) >= baseline + 50 }, "the flood did not reach the relay")
        let reader = try join(origin, via: address, name: "reader")
        try reader.waitForLog(writer: origin.deviceKey, length: 2002, timeout: 60)
        let peak = sampler.stop()
        // Half-sent 4 MiB frames from a few dozen connections would be hundreds of MB if buffered.
        #expect(peak - before < 64 * 1024 * 1024, "relay RSS grew by \((peak - before) / 1024 / 1024) MiB")
        #expect(relay.process.isRunning)
        attacker.kill()
        // Still serving once the flood is over: a new write reaches the reader through the relay.
        #expect(try origin.run(["put", "after", "flood"]).status == 0)
        try reader.waitForLog(writer: origin.deviceKey, length: 2003)
        for node in [reader, relay, originNode] { node.stop() }
    }

    @Test func aJoinGetsThroughWhileEveryHandshakingPlaceIsHeld() throws {
        let (origin, originNode, relay, address, port) = try relayWithData(entries: 10)
        let baseline = ProcFS.openFiles(relay.pid)
        // Far more idle connections than the relay's 256 handshaking places, reopened as they close.
        let attacker = try NodeProcess.attacker(port: port, connections: 600, kinds: "idle")
        try attacker.waitFor(event: "started")
        #expect(NodeProcess.eventually { ProcFS.openFiles(relay.pid) >= baseline + 250 }, "the flood did not fill the places")
        let joiner = try join(origin, via: address, name: "joiner")
        try joiner.waitForLog(writer: origin.deviceKey, length: 12, timeout: 30)
        let events = joiner.allEvents.compactMap { $0["event"] as? String }
        #expect(!events.contains("connectFailed"), "the join needed retries: \(events)")
        #expect(events.first { $0 == "connected" || $0 == "connectFailed" } == "connected")
        attacker.kill()
        for node in [joiner, relay, originNode] { node.stop() }
    }

    @Test func aPeerThatStopsReadingIsDisconnectedAndMemoryStaysBounded() throws {
        let entries = 20_000
        let origin = try NodeFixture(name: "origin")
        let lines = (0..<entries).map { "{\"key\":\"k\(String(format: "%06d", $0))\",\"value\":\"\(String(repeating: "v", count: 300))\"}" }
        #expect(try origin.run(["import", origin.temp.file("in.jsonl", lines.joined(separator: "\n"))]).status == 0)
        let node = try origin.serve(environment: ["HYPHA_STALLED_PEER_MS": "2000"])
        let address = try node.listeningAddress()
        let port = try #require(Int(address.split(separator: ":").last ?? ""))
        let before = ProcFS.residentBytes(node.pid)

        // A peer of the database asks for the whole log, then never reads a byte.
        let databaseID = try #require(PublicKey(hex: origin.databaseID))
        var client = try RawSessionClient(port: port, databaseID: databaseID, receiveBuffer: 4096)
        let writer = try #require(PublicKey(hex: origin.deviceKey))
        try client.send(.have([]))
        for start in stride(from: UInt64(0), to: UInt64(entries + 2), by: 4096) {
            try client.send(.want(writer: writer, start: start, end: min(start + 4096, UInt64(entries + 2))))
        }
        let disconnected = try node.waitFor(event: "disconnected", timeout: 30)
        #expect((disconnected["reason"] as? String ?? "").contains("read nothing"), "\(disconnected)")
        let after = ProcFS.residentBytes(node.pid)
        #expect(after - before < 64 * 1024 * 1024, "node RSS grew by \((after - before) / 1024 / 1024) MiB")
        client.socket.close()

        // The node goes on serving: a reader syncs everything.
        let reader = try NodeProcess("reader", ["join", "--domain", "example.org", "--data-dir", origin.temp.path("reader"),
                                                "--name", "reader", "--peer", address],
                                     environment: ["HYPHA_PASSPHRASE_FILE": origin.passphraseFile, "HYPHA_JOIN_RESEND_MS": "600000"])
        try reader.waitForLog(writer: origin.deviceKey, length: entries + 2, timeout: 120)
        reader.stop()
        node.stop()
    }
}
