import ArgumentParser
import Foundation
import HyphaEngine

/// `hypha bench ingest`: the storage side of a sync alone (no network): verify, store and
/// apply another node's log chunk by chunk.
struct BenchIngestCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "ingest",
        abstract: "Verify, store and apply N entries received from another node, without the network.",
        discussion: "Splits `hypha bench sync` into its storage part: what a receiving node does with each chunk."
    )

    @Option(help: "Entries to ingest.") var entries: Int = 100_000
    @OptionGroup var json: JSONOption

    func run() throws {
        let fixture = try BenchFixture(name: "ingest")
        defer { fixture.remove() }
        let origin = try fixture.originDatabase()
        for start in stride(from: 0, to: entries, by: HyphaDatabase.maxBatchEntries) {
            try origin.write(BenchFixture.changes(start..<min(entries, start + HyphaDatabase.maxBatchEntries), valueBytes: 256))
        }
        guard let head = try origin.heads().first else { throw OperationalFailure(message: "bench: no log") }
        let chunks = try origin.chunks(writer: head.writer, start: 0, end: head.signed.length, maxBytes: 2 * 1024 * 1024)
        let receiver = try HyphaDatabase.open(path: fixture.directory.appendingPathComponent("receiver.sqlite").path,
                                              databaseID: fixture.keys.databaseID)
        try receiver.unlock(fixture.keys)
        let seconds = try BenchFixture.seconds {
            for chunk in chunks { _ = try receiver.ingest(chunk) }
        }
        guard try receiver.count() == entries else { throw OperationalFailure(message: "bench: entry count mismatch") }
        if json.enabled {
            try Output.json(["entries": entries, "seconds": seconds, "entriesPerSecond": Double(entries) / seconds])
        } else {
            Output.line(String(format: "ingested %d entries in %d chunks: %.2f s, %.0f entries/s", entries, chunks.count, seconds, Double(entries) / seconds))
        }
    }
}
