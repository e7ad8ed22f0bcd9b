import ArgumentParser
import Foundation
import HyphaEngine

/// `hypha bench tui [--entries N] [--json]`: first frame, keypress handling and memory of the
/// full-screen app over a node with N entries (goals: first frame < 300 ms, key p99 < 16 ms, < 150 MB resident).
struct BenchTUICommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "tui",
        abstract: "Measure the full-screen app over a node with many entries.",
        discussion: """
        Builds a temporary node (16-byte keys, 64-byte values, batches of 4096; keys from a fixed \
        master key, so no Argon2id), then drives the real model, update, view and ncurses backend \
        (drawing into a headless terminal) through: down ×100, PageDown ×20, End, Home, / and a \
        typed prefix, Esc. Reports the first frame after the keys are available, per-key handling \
        (update + view + draw) and settled times (p50/p99/max), and resident memory.
        """
    )

    @Option(name: .customLong("entries"), help: "Entries in the node.")
    var entries = 1_000_000

    @Option(name: .customLong("keep"), help: ArgumentHelp("Build the node here and keep it; reuse it when it exists.", valueName: "dir"))
    var keep: String?

    @OptionGroup var json: JSONOption

    func validate() throws {
        guard entries >= 1 else { throw ValidationError("--entries must be at least 1") }
    }

    func run() throws {
        let root = keep.map { URL(fileURLWithPath: $0) }
            ?? FileManager.default.temporaryDirectory.appendingPathComponent("hypha-bench-tui-\(UUID().uuidString)")
        defer { if keep == nil { try? FileManager.default.removeItem(at: root) } }
        let directory = DataDirectory(root)
        let buildStart = Date()
        let node: OpenNode
        if directory.exists {
            node = try Self.reopen(directory)
        } else {
            if !json.enabled { Output.note("Building a node with \(EntryText.count(entries)) entries…") }
            node = try TUIBenchmark.buildNode(entries: entries, in: directory)
        }
        let buildSeconds = Date().timeIntervalSince(buildStart)
        let count = try node.database.count()
        let result = try MainActor.assumeIsolated {
            try TUIBenchmark(entries: count).run(buildSeconds: buildSeconds, node: node)
        }
        node.keys.wipe()
        if json.enabled {
            try Output.json(Self.object(result))
        } else {
            Self.table(result).forEach(Output.line)
        }
    }

    /// A kept node: its keys come from the same fixed master.
    private static func reopen(_ directory: DataDirectory) throws -> OpenNode {
        let config = try directory.loadConfig()
        let master = try SecureBytes(copying: [UInt8](repeating: 0x42, count: 32))
        defer { master.wipe() }
        let keys = try Identity.keys(fromMaster: master, domain: config.domain ?? "bench.example", deviceID: config.device)
        return OpenNode(directory: directory, config: config, database: try directory.openDatabase(config: config), keys: keys)
    }

    private static func ms(_ value: Double) -> String { String(format: "%.2f", value) }

    static func table(_ r: TUIBenchmark.Result) -> [String] {
        [
            "hypha bench tui: \(EntryText.count(r.entries)) entries, 80×24, built in \(String(format: "%.1f", r.buildSeconds)) s",
            "",
            "measure                              value          goal",
            "first frame after keys (ms)          \(ms(r.firstFrameMilliseconds).padding(toLength: 15, withPad: " ", startingAt: 0))< 300",
            "keypress handling p50/p99/max (ms)   \("\(ms(r.handling.p50))/\(ms(r.handling.p99))/\(ms(r.handling.max))".padding(toLength: 15, withPad: " ", startingAt: 0))< 16",
            "keypress settled p50/p99/max (ms)    \(ms(r.settled.p50))/\(ms(r.settled.p99))/\(ms(r.settled.max))",
            "index scan, all keys (ms)            \(ms(r.scanMilliseconds))",
            "search, no match (ms)                \(ms(r.searchMilliseconds).padding(toLength: 15, withPad: " ", startingAt: 0))< 1000 at 100,000 entries",
            "entries searched                     \(r.searchScanned)",
            "resident memory (MB)                 \(String(format: "%.1f", r.residentMegabytes).padding(toLength: 15, withPad: " ", startingAt: 0))< 150",
            "keypresses                           \(r.keypresses)",
        ]
    }

    static func object(_ r: TUIBenchmark.Result) -> [String: Any] {
        func timing(_ t: TUIBenchmark.Timing) -> [String: Any] { ["p50": t.p50, "p99": t.p99, "max": t.max] }
        return [
            "entries": r.entries,
            "build_seconds": r.buildSeconds,
            "first_frame_ms": r.firstFrameMilliseconds,
            "keypress_handling_ms": timing(r.handling),
            "keypress_settled_ms": timing(r.settled),
            "scan_ms": r.scanMilliseconds,
            "search_ms": r.searchMilliseconds,
            "search_scanned": r.searchScanned,
            "resident_mb": r.residentMegabytes,
            "keypresses": r.keypresses,
            "goals": ["first_frame_ms": 300, "keypress_ms": 16, "resident_mb": 150, "search_ms_at_100000": 1000],
        ]
    }
}
