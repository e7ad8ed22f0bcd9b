import ArgumentParser
import Foundation
import HyphaEngine

/// `hypha bench local`: batched local writes per second and the time to rebuild the view.
struct BenchLocalCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "local",
        abstract: "Batched puts per second (16-byte keys, 256-byte values) and view rebuild time, on a real SQLite file.",
        discussion: "Goal: at least 50,000 puts/s. Keys are derived from a fixed master key, so Argon2id is not counted."
    )

    @Option(help: "Entries to write.") var entries: Int = 100_000
    @Option(help: "Entries per signed batch (1–4096).") var batch: Int = 4096
    @OptionGroup var json: JSONOption

    func validate() throws {
        guard entries > 0 else { throw ValidationError("--entries must be positive") }
        guard (1...HyphaDatabase.maxBatchEntries).contains(batch) else { throw ValidationError("--batch must be 1–\(HyphaDatabase.maxBatchEntries)") }
    }

    func run() throws {
        let fixture = try BenchFixture(name: "local")
        defer { fixture.remove() }
        let database = try fixture.originDatabase()
        let batches = stride(from: 0, to: entries, by: batch).map { BenchFixture.changes($0..<min(entries, $0 + batch), valueBytes: 256) }
        let writeSeconds = try BenchFixture.seconds {
            for changes in batches { try database.write(changes) }
        }
        let rebuildSeconds = try BenchFixture.seconds { try database.rebuildView() }
        guard try database.count() == entries else { throw OperationalFailure(message: "bench: entry count mismatch") }
        let size = BenchFixture.fileSize(fixture.directory.appendingPathComponent("origin.sqlite"))
            + BenchFixture.fileSize(fixture.directory.appendingPathComponent("origin.sqlite-wal"))
        let result: [String: Any] = [
            "entries": entries, "batch": batch,
            "writeSeconds": writeSeconds, "putsPerSecond": Double(entries) / writeSeconds,
            "rebuildSeconds": rebuildSeconds, "rebuildEntriesPerSecond": Double(entries) / rebuildSeconds,
            "databaseBytes": size,
        ]
        if json.enabled {
            try Output.json(result)
        } else {
            Output.line(String(format: "wrote %d entries in batches of %d: %.2f s, %.0f puts/s (goal ≥ 50,000)", entries, batch, writeSeconds, Double(entries) / writeSeconds))
            Output.line(String(format: "rebuilt the view from the logs: %.2f s, %.0f entries/s", rebuildSeconds, Double(entries) / rebuildSeconds))
            Output.line("database size: \(size / 1024) KiB")
        }
    }
}
