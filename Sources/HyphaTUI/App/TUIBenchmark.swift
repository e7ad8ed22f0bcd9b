import Dispatch
import Foundation
import HyphaEngine
import Widgets

/// `hypha bench tui`: the real model, update, view, effects and ncurses backend (drawing into a
/// headless `newterm` on /dev/null) over a node with many entries.
@MainActor
struct TUIBenchmark {
    struct Timing: Equatable {
        var p50: Double
        var p99: Double
        var max: Double

        init(_ samples: [Double]) {
            let sorted = samples.sorted()
            func at(_ q: Double) -> Double {
                guard !sorted.isEmpty else { return 0 }
                return sorted[min(sorted.count - 1, Int((q * Double(sorted.count)).rounded(.up)) - 1)]
            }
            p50 = at(0.5)
            p99 = at(0.99)
            max = sorted.last ?? 0
        }
    }

    struct Result {
        var entries: Int
        var buildSeconds: Double
        /// Keys available → first complete frame (first page, count, detail, nodes) drawn.
        var firstFrameMilliseconds: Double
        /// The background scan that indexes every page (keys only).
        var scanMilliseconds: Double
        /// Per key: update + view + draw, what blocks the next key.
        var handling: Timing
        /// Per key: handling plus the loads it starts (not index scans), until the frame shows
        /// their results.
        var settled: Timing
        var keypresses: Int
        /// `/` and a query found in no key and no value: the last keypress until the search has
        /// decrypted and compared every entry (what "search across keys and values" costs at most).
        var searchMilliseconds: Double
        /// Entries that search looked at (all of them, or the measure is wrong).
        var searchScanned: Int
        var residentMegabytes: Double
        /// Rows of the first frame and the last, to show what was measured.
        var firstScreen: [String]
        var lastScreen: [String]
    }

    static let size = Size(width: 80, height: 24)

    /// The scripted keys: down ×100, PageDown ×20, End, Home, `/` and a prefix typed, Esc.
    static func script(filter: String) -> [Key] {
        Array(repeating: Key.down, count: 100) + Array(repeating: .pageDown, count: 20) + [.end, .home, .char("/")]
            + filter.map { Key.char($0) } + [.esc]
    }

    let entries: Int

    /// Builds a node with `entries` entries in `directory` (16-byte keys, 64-byte values,
    /// batches of 4096); keys come from a fixed master key, skipping Argon2id.
    nonisolated static func buildNode(entries: Int, in directory: DataDirectory) throws -> OpenNode {
        let master = try SecureBytes(copying: [UInt8](repeating: 0x42, count: 32))
        defer { master.wipe() }
        let deviceID = try DeviceID.random()
        let keys = try Identity.keys(fromMaster: master, domain: "bench.example", deviceID: deviceID)
        guard let device = keys.device else { throw OperationalFailure(message: "no device key") }
        try directory.create(config: NodeConfig(database: keys.databaseID, domain: "bench.example", nodeName: "bench",
                                                deviceID: deviceID, role: .full))
        let config = try directory.loadConfig()
        let database = try directory.openDatabase(config: config)
        try database.unlock(keys)
        let now = HyphaDatabase.wallClock()
        try database.append(membership: [
            .make(.genesis(kdfVersion: 1, domain: "bench.example"), database: keys.root, createdAt: now),
            .make(.addWriter(writer: device.publicKey, name: "bench", addedBy: device.publicKey), database: keys.root, createdAt: now),
        ])
        var written = 0
        while written < entries {
            let batch = (written..<min(entries, written + HyphaDatabase.maxBatchEntries)).map { i in
                Change.put(key: key(i), value: Array(("value " + String(format: "%058d", i)).utf8))
            }
            try database.write(batch)
            written += batch.count
        }
        database.lock()
        return OpenNode(directory: directory, config: config, database: database, keys: keys)
    }

    /// "k000000000000042": 16 bytes.
    nonisolated static func key(_ i: Int) -> String { "k" + String(format: "%015d", i) }

    func run(buildSeconds: Double, node: OpenNode) throws -> Result {
        let terminal = try NcursesTerminal.headless(size: Self.size)
        defer { terminal.end() }
        let runner = EffectsRunner(directory: node.directory, backend: LocalOnlyBackend(), environment: [:]) { _ in }
        var model = AppModel(size: Self.size, hostName: "bench")
        for message in runner.perform(.openNode) { _ = App.update(&model, message) }
        var background: [Command] = []

        // Keys available → first complete frame.
        let start = Self.now()
        let unlocked = try runner.adopt(node)
        settle(App.update(&model, unlocked), &model, runner, deferringScans: &background)
        terminal.draw(App.view(model, size: Self.size, theme: terminal.theme))
        let firstFrame = Self.now() - start
        let firstScreen = terminal.screenText()

        // The index scan, as the effects queue runs it in the background.
        let scanStart = Self.now()
        var none: [Command] = []
        settle(background, &model, runner, deferringScans: &none, runScans: true)
        let scan = Self.now() - scanStart

        var handling: [Double] = []
        var settled: [Double] = []
        let filter = String(Self.key(entries / 2).prefix(12))
        for key in Self.script(filter: filter) {
            let pressed = Self.now()
            let commands = App.update(&model, .key(key))
            terminal.draw(App.view(model, size: Self.size, theme: terminal.theme))
            handling.append(Self.now() - pressed)
            // Scans a filter starts are background work (and stale by the next keystroke).
            settle(commands, &model, runner, deferringScans: &none)
            terminal.draw(App.view(model, size: Self.size, theme: terminal.theme))
            settled.append(Self.now() - pressed)
        }
        let (search, scanned) = fullSearch(&model, runner, terminal)
        return Result(entries: entries, buildSeconds: buildSeconds, firstFrameMilliseconds: firstFrame,
                      scanMilliseconds: scan, handling: Timing(handling), settled: Timing(settled),
                      keypresses: handling.count, searchMilliseconds: search, searchScanned: scanned,
                      residentMegabytes: Self.residentMegabytes(),
                      firstScreen: firstScreen, lastScreen: terminal.screenText())
    }

    /// A search that matches nothing, so that it reads and decrypts every entry. Earlier keys'
    /// searches are dropped unrun, as the app drops a stale generation; the time runs from the
    /// last key until the search reports done.
    private func fullSearch(_ model: inout AppModel, _ runner: EffectsRunner, _ terminal: NcursesTerminal) -> (Double, Int) {
        let query = "zebra"
        for key in [Key.char("/")] + query.dropLast().map({ Key.char($0) }) { _ = App.update(&model, .key(key)) }
        let pressed = Self.now()
        var none: [Command] = []
        settle(App.update(&model, .key(.char(query.last!))), &model, runner, deferringScans: &none)
        terminal.draw(App.view(model, size: Self.size, theme: terminal.theme))
        let elapsed = Self.now() - pressed
        var scanned = 0
        if case let .main(state) = model.screen, let search = state.search, search.done { scanned = search.scanned }
        // Esc clears the search: the list as it was, on screen.
        settle(App.update(&model, .key(.esc)), &model, runner, deferringScans: &none)
        terminal.draw(App.view(model, size: Self.size, theme: terminal.theme))
        return (elapsed, scanned)
    }

    /// Runs commands and the commands their results lead to, as the effects queue would,
    /// setting scan steps aside unless `runScans`.
    private func settle(_ commands: [Command], _ model: inout AppModel, _ runner: EffectsRunner,
                        deferringScans deferred: inout [Command], runScans: Bool = false) {
        var queue = commands
        var index = 0
        while index < queue.count {
            let command = queue[index]
            index += 1
            if case .scanKeys = command, !runScans {
                deferred.append(command)
                continue
            }
            for message in runner.perform(command) { queue += App.update(&model, message) }
        }
    }

    static func now() -> Double { Double(DispatchTime.now().uptimeNanoseconds) / 1e6 }

    /// VmRSS from /proc/self/status, in MB.
    static func residentMegabytes() -> Double {
        guard let status = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8),
              let line = status.split(separator: "\n").first(where: { $0.hasPrefix("VmRSS:") }),
              let kilobytes = line.split(separator: " ").dropFirst().first.flatMap({ Double($0) }) else { return 0 }
        return kilobytes / 1024
    }
}

extension NcursesTerminal {
    /// Every row of ncurses' virtual screen.
    func screenText() -> [String] {
        (0..<size.height).map { readBack(row: $0) }
    }
}
