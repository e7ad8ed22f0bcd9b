import ArgumentParser
import Foundation
import HyphaEngine

/// `hypha bench sync`: initial sync throughput against a plain SQLite baseline, and live latency.
struct BenchSyncCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sync",
        abstract: "Sync N entries to a fresh node over loopback TCP (two processes); compare with SQLite; measure live latency.",
        discussion: """
        This process is the origin node; a fresh node runs as a child process (`hypha join`, \
        read-only, applying every entry to its view). Sync time runs from the child's connection \
        to its holding every entry. The baseline inserts the same rows (16-byte keys, 256-byte \
        values) into a SQLite table in one transaction. Live latency: a put here until the child \
        reports the block stored. Goals: ≥ 50,000 entries/s, ratio ≤ 3, p50 < 20 ms, p99 < 100 ms.
        """
    )

    @Option(help: "Entries to sync.") var entries: Int = 100_000
    @Option(help: "Live writes to time.") var livePuts: Int = 200
    @OptionGroup var json: JSONOption

    func validate() throws {
        guard entries > 0, livePuts > 0 else { throw ValidationError("--entries and --live-puts must be positive") }
    }

    func run() throws {
        let work = FileManager.default.temporaryDirectory.appendingPathComponent("hypha-bench-sync-\(getpid())")
        try FileManager.default.createDirectory(at: work, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: work) }

        // The origin: a real node with a generated passphrase (kept in a temporary 0600 file).
        let secret = try Passphrase.generate()
        defer { secret.wipe() }
        let passphraseFile = work.appendingPathComponent("passphrase")
        FileManager.default.createFile(atPath: passphraseFile.path, contents: secret.withUnsafeBytes { Data($0) } + Data([0x0A]),
                                       attributes: [.posixPermissions: 0o600])
        let node = try NodeCreation.create(in: DataDirectory(work.appendingPathComponent("origin")), domain: "bench.example",
                                           nodeName: "origin", passphrase: try Passphrase.canonicalise(secret))
        let database = node.database
        for start in stride(from: 0, to: entries, by: HyphaDatabase.maxBatchEntries) {
            try database.write(BenchFixture.changes(start..<min(entries, start + HyphaDatabase.maxBatchEntries), valueBytes: 256))
        }
        guard let origin = node.keys.device?.publicKey else { throw OperationalFailure(message: "bench: no device key") }
        let runtime = NodeRuntime(config: node.config, database: database, keys: node.keys,
                                  options: .command(config: node.config, listen: try ListenAddress(parsing: "127.0.0.1:0"), peers: [], writable: true))
        let address = try Blocking.run { try await runtime.start() } ?? ""
        let total = try database.heads().first { $0.writer == origin }?.signed.length ?? 0

        // The fresh node, a separate process.
        let child = try ChildNode(arguments: ["join", "--domain", "bench.example", "--name", "fresh", "--peer", address,
                                              "--data-dir", work.appendingPathComponent("fresh").path],
                                  environment: ["HYPHA_PASSPHRASE_FILE": passphraseFile.path, "HYPHA_JOIN_RESEND_MS": "600000"])
        defer { child.stop() }
        let connected = try child.wait(timeout: 60) { $0["event"] as? String == "connected" }
        let synced = try child.wait(from: connected.index, timeout: 600) {
            $0["event"] as? String == "log" && $0["writer"] as? String == origin.hex && ($0["length"] as? UInt64 ?? 0) >= total
        }
        let seconds = Double(synced.event.at - connected.event.at) / 1e9

        // Live: one put at a time, timed until the child has stored it.
        var latencies: [Double] = []
        var from = synced.index
        for i in 0..<livePuts {
            let start = DispatchTime.now().uptimeNanoseconds
            let head = try database.write(BenchFixture.changes((entries + i)..<(entries + i + 1), valueBytes: 256))
            let arrived = try child.wait(from: from, timeout: 30) {
                $0["event"] as? String == "log" && $0["writer"] as? String == origin.hex && ($0["length"] as? UInt64 ?? 0) >= head.signed.length
            }
            from = arrived.index + 1
            latencies.append(Double(arrived.event.at - start) / 1e6)
        }
        try Blocking.run { await runtime.stop() }

        let baseline = try sqliteBaseline(at: work.appendingPathComponent("baseline.sqlite").path)
        latencies.sort()
        let p50 = latencies[latencies.count / 2], p99 = latencies[min(latencies.count - 1, Int(Double(latencies.count) * 0.99))]
        let result: [String: Any] = [
            "entries": entries, "seconds": seconds, "entriesPerSecond": Double(entries) / seconds,
            "sqliteBaselineSeconds": baseline, "ratio": seconds / baseline,
            "liveLatencyMsP50": p50, "liveLatencyMsP99": p99,
        ]
        if json.enabled { try Output.json(result); return }
        Output.line(String(format: "synced %d entries to a fresh node in %.2f s: %.0f entries/s (goal ≥ 50,000)", entries, seconds, Double(entries) / seconds))
        Output.line(String(format: "SQLite inserting the same rows in one transaction: %.2f s; ratio %.2f (goal ≤ 3)", baseline, seconds / baseline))
        Output.line(String(format: "live put → stored on the other node: p50 %.1f ms (goal < 20), p99 %.1f ms (goal < 100), %d puts", p50, p99, livePuts))
    }

    /// Seconds SQLite takes to insert the same rows into a keyed table in one transaction.
    private func sqliteBaseline(at path: String) throws -> Double {
        let rows = BenchFixture.changes(0..<entries, valueBytes: 256).compactMap { change -> (key: String, value: [UInt8])? in
            change.value.map { (change.key, $0) }
        }
        return try SQLiteBaseline.insertSeconds(path: path, rows: rows)
    }
}
