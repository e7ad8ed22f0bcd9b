import ArgumentParser
import Foundation
import HyphaEngine

/// `hypha bench hostile`: a relay under a connection flood, with a legitimate peer connecting.
struct BenchHostileCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "hostile",
        abstract: "Flood an always-on relay with unauthenticated connections while a legitimate peer connects.",
        discussion: """
        Three processes on 127.0.0.1: a relay (`hypha serve --always-on`), an attacker pool holding N \
        connections that never prove the capability (half-sent 4 MiB frames over TCP and WebSocket, \
        idle connections, a connect/close storm; each reopened as soon as the relay closes it; from \
        several loopback source addresses), and this process, a legitimate peer that opens a session \
        again and again. Reports the relay's resident memory (before, peak, after), the legitimate \
        handshake times, the connections the relay dealt with per second, and whether it survived. \
        Goals at N = 1,000: growth ≤ 64 MiB, p99 ≤ 100 ms, ≥ 2,000 connections/s, survived.
        """
    )

    @Option(help: "Attacking connections held at once.") var connections: Int = 1000
    @Option(help: "Length of the attack in seconds.") var seconds: Double = 15
    @Option(help: "Loopback source addresses the attacker spreads over (127.0.0.2 on).") var sources: Int = 64
    @Option(help: "Attack kinds, comma-separated: half-frame, idle, storm.") var kinds = "half-frame,idle,storm"
    @Option(help: .hidden) var relayBinary: String?   // another build's relay, for before/after comparisons
    @OptionGroup var json: JSONOption

    func validate() throws {
        guard connections > 0, seconds > 0, seconds <= 300, (1...250).contains(sources) else {
            throw ValidationError("--connections and --seconds must be positive (seconds ≤ 300), --sources 1–250")
        }
    }

    func run() throws {
        FileDescriptorLimit.raiseToHardLimit()
        let fixture = try BenchFixture(name: "hostile")
        defer { fixture.remove() }
        let databaseID = fixture.keys.databaseID
        let (relay, address) = try fixture.startRelay(executable: relayBinary)
        defer { relay.stop() }
        let peer = try LegitimatePeer(databaseID: databaseID, path: fixture.directory.appendingPathComponent("legit.sqlite").path)
        defer { peer.stop() }
        for _ in 0..<5 { _ = peer.handshake(to: address) }   // warm up
        let before = ProcessMemory.residentBytes(of: relay.pid)

        let sampler = ProcessMemory.PeakSampler(pid: relay.pid)
        let attacker = try ChildNode(arguments: ["bench", "hostile-attacker", "--port", "\(address.port)", "--connections", "\(connections)",
                                                 "--seconds", "\(seconds)", "--sources", "\(sources)", "--kinds", kinds],
                                     environment: [:])
        defer { attacker.stop() }
        _ = try attacker.wait(timeout: 30) { $0["event"] as? String == "started" }
        var latencies: [Double] = []
        var failed = 0
        while attacker.isRunning && relay.isRunning {
            if let ms = peer.handshake(to: address) { latencies.append(ms) } else { failed += 1 }
        }
        let done = try attacker.wait(timeout: 30) { $0["event"] as? String == "done" }.event.object
        let peak = sampler.stop()
        // The relay's handshake deadline is 5 s: after it, every attacking connection is gone.
        Thread.sleep(forTimeInterval: 6)
        let after = ProcessMemory.residentBytes(of: relay.pid)
        let survived = relay.isRunning && peer.handshake(to: address) != nil

        latencies.sort()
        func percentile(_ p: Double) -> Double { latencies.isEmpty ? .nan : latencies[min(latencies.count - 1, Int(Double(latencies.count) * p))] }
        let attackSeconds = done["seconds"] as? Double ?? seconds
        let handled = done["handled"] as? Int ?? 0
        let mib = 1024.0 * 1024.0
        let result: [String: Any] = [
            "connections": connections, "seconds": attackSeconds, "sources": sources, "kinds": kinds,
            "rssBeforeMiB": Double(before) / mib, "rssPeakMiB": Double(peak) / mib, "rssAfterMiB": Double(after) / mib,
            "rssGrowthMiB": Double(max(peak, before) - before) / mib,
            "handshakes": latencies.count, "handshakesFailed": failed + peer.failures,
            "handshakeMsP50": percentile(0.5), "handshakeMsP99": percentile(0.99), "handshakeMsMax": latencies.last ?? .nan,
            "attackerOpened": done["opened"] as? Int ?? 0, "attackerConnectFailures": done["connectFailures"] as? Int ?? 0,
            "acceptedPerSecond": Double(handled) / attackSeconds, "survived": survived,
        ]
        if json.enabled { try Output.json(result); return }
        Output.line("hypha bench hostile: \(connections) attacking connections from \(sources) addresses for \(String(format: "%.1f", attackSeconds)) s")
        Output.line(String(format: "relay RSS before %.1f MiB, peak %.1f MiB, after %.1f MiB: growth %.1f MiB (goal ≤ 64)",
                           Double(before) / mib, Double(peak) / mib, Double(after) / mib, Double(max(peak, before) - before) / mib))
        Output.line(String(format: "legitimate handshakes: %d, p50 %.1f ms, p99 %.1f ms (goal ≤ 100), failed %d",
                           latencies.count, percentile(0.5), percentile(0.99), failed + peer.failures))
        Output.line(String(format: "connections the relay dealt with: %.0f/s (goal ≥ 2,000); attacker connect failures %d",
                           Double(handled) / attackSeconds, done["connectFailures"] as? Int ?? 0))
        Output.line("relay survived: \(survived ? "yes" : "no")")
    }
}

/// Resident memory of a process, from /proc.
enum ProcessMemory {
    static func residentBytes(of pid: Int32) -> UInt64 {
        guard let status = try? String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8),
              let line = status.split(separator: "\n").first(where: { $0.hasPrefix("VmRSS:") }),
              let kib = UInt64(line.split(separator: " ").dropFirst().first ?? "") else { return 0 }
        return kib * 1024
    }

    /// Bytes a process has passed to write calls, sockets included (`wchar` of /proc/PID/io).
    static func bytesWritten(by pid: Int32) -> Int {
        guard let io = try? String(contentsOfFile: "/proc/\(pid)/io", encoding: .utf8),
              let line = io.split(separator: "\n").first(where: { $0.hasPrefix("wchar:") }) else { return 0 }
        return Int(line.split(separator: " ").last ?? "") ?? 0
    }

    /// Samples a process's resident memory every 50 ms on a thread of its own; `stop()` returns the peak.
    final class PeakSampler: @unchecked Sendable {
        private let lock = NSLock()
        private var peak: UInt64 = 0      // guarded by `lock`
        private var running = true
        private let finished = DispatchSemaphore(value: 0)

        init(pid: Int32) {
            Thread.detachNewThread { [self] in
                while lock.withLock({ running }) {
                    let rss = ProcessMemory.residentBytes(of: pid)
                    lock.withLock { peak = max(peak, rss) }
                    Thread.sleep(forTimeInterval: 0.05)
                }
                finished.signal()
            }
        }

        func stop() -> UInt64 {
            lock.withLock { running = false }
            finished.wait()
            return lock.withLock { peak }
        }
    }
}
