import ArgumentParser
import Foundation
import HyphaEngine
import NIOPosix
import Synchronization

/// `hypha bench amplification`: what peers that know only the database id can make a relay send.
struct BenchAmplificationCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "amplification",
        abstract: "Flood an always-on relay with ephemeral envelopes from peers that know only the database id.",
        discussion: """
        A relay (`hypha serve --always-on`) runs as a child process. This process opens sessions to it: \
        F flooders, each sending 100 distinct 4 KiB envelopes per second (well-formed headers, filler \
        for nonce and ciphertext: a relay cannot tell them from real ones), and L listeners that count what the \
        relay forwards to them. Reports bytes forwarded per second and the relay's resident memory.
        """
    )

    @Option(help: "Peers that only listen.") var listeners = 20
    @Option(help: "Peers that flood.") var flooders = 5
    @Option(help: "Length of the flood in seconds.") var seconds: Double = 15
    @Option(help: .hidden) var relayBinary: String?
    @OptionGroup var json: JSONOption

    func validate() throws {
        guard (1...200).contains(listeners), (1...50).contains(flooders), seconds > 0, seconds <= 300 else {
            throw ValidationError("--listeners 1–200, --flooders 1–50, --seconds up to 300")
        }
    }

    func run() throws {
        let fixture = try BenchFixture(name: "amplification")
        defer { fixture.remove() }
        let databaseID = fixture.keys.databaseID
        let (relay, address) = try fixture.startRelay(executable: relayBinary)
        defer { relay.stop() }

        let group = MultiThreadedEventLoopGroup(numberOfThreads: 2)
        let connected = Mutex(0)
        var networks: [PeerNetwork] = []
        for i in 0..<(listeners + flooders) {
            let database = try HyphaDatabase.open(path: fixture.directory.appendingPathComponent("peer-\(i).sqlite").path,
                                                  databaseID: databaseID)
            let network = PeerNetwork(database: database, configuration: NetworkConfiguration(nodeName: "peer-\(i)"),
                                      eventLoopGroup: group) { event in
                switch event {
                case .connected: connected.withLock { $0 += 1 }
                default: break
                }
            }
            network.connect(to: address)
            networks.append(network)
        }
        defer {
            for network in networks { Blocking.runQuietly { await network.shutdown() } }
            try? group.syncShutdownGracefully()
        }
        let deadline = Date().addingTimeInterval(30)
        while connected.withLock({ $0 }) < networks.count && Date() < deadline { Thread.sleep(forTimeInterval: 0.05) }
        guard connected.withLock({ $0 }) == networks.count else { throw OperationalFailure(message: "bench: not every peer connected") }

        let before = ProcessMemory.residentBytes(of: relay.pid)
        let sampler = ProcessMemory.PeakSampler(pid: relay.pid)
        let writtenBefore = ProcessMemory.bytesWritten(by: relay.pid)
        let discovery = DiscoveryID(databaseID: databaseID)
        let start = Date()
        var sent = 0
        while Date().timeIntervalSince(start) < seconds {
            for flooder in networks[listeners...] {
                sent += flooder.broadcastEphemeral(envelope: Self.envelope(discovery), hops: 4) > 0 ? 1 : 0
            }
            Thread.sleep(forTimeInterval: 0.01)
        }
        let forwarded = ProcessMemory.bytesWritten(by: relay.pid) - writtenBefore
        let peak = sampler.stop()
        let after = ProcessMemory.residentBytes(of: relay.pid)
        let mib = 1024.0 * 1024.0
        let result: [String: Any] = [
            "listeners": listeners, "flooders": flooders, "seconds": seconds, "envelopesSent": sent,
            "relayWroteMiB": Double(forwarded) / mib, "relayWroteMiBPerSecond": Double(forwarded) / mib / seconds,
            "rssBeforeMiB": Double(before) / mib, "rssPeakMiB": Double(peak) / mib, "rssAfterMiB": Double(after) / mib,
            "survived": relay.isRunning,
        ]
        if json.enabled { try Output.json(result); return }
        Output.line("hypha bench amplification: \(flooders) flooders, \(listeners) listeners, \(String(format: "%.0f", seconds)) s, \(sent) envelopes of 4 KiB sent")
        Output.line(String(format: "the relay wrote %.1f MiB to its peers (%.2f MiB/s)", Double(forwarded) / mib, Double(forwarded) / mib / seconds))
        Output.line(String(format: "relay RSS before %.1f MiB, peak %.1f MiB, after %.1f MiB; survived: %@",
                           Double(before) / mib, Double(peak) / mib, Double(after) / mib, relay.isRunning ? "yes" : "no"))
    }

    /// A well-formed envelope of 4096 bytes for `discovery`, sent now; nonce and ciphertext are filler.
    static func envelope(_ discovery: DiscoveryID) -> [UInt8] {
        let now = UInt64(Date().timeIntervalSince1970 * 1000)
        var bytes = Array("HYEM".utf8) + [1, 1, 0, 0] + discovery.bytes + (0..<16).map { _ in UInt8.random(in: 0...255) }
        bytes += (0..<8).map { UInt8(truncatingIfNeeded: now >> (8 * $0)) }
        return bytes + [UInt8](repeating: 0x5A, count: 4096 - bytes.count)   // the random id makes each one new
    }
}
