@testable import HyphaTUI
@testable import HyphaEngine
import Testing
import Widgets

/// Drives `App.update` with scripted messages and keys, as the runtime would, and records
/// every command it emits. No terminal, no threads: the model is a value.
struct AppDriver {
    var model: AppModel
    private(set) var commands: [Command] = []

    static let databaseID = "6d5834187da6611b86a9f2f2c7381cfc2cabd849ad81139d994d61c894cb9c2e"
    static let deviceKey = "7dd94a59" + String(repeating: "0", count: 56)

    static func summary(lockAfter: Double = 900) -> NodeSummary {
        NodeSummary(databaseID: databaseID, domain: "example.org", nodeName: "laptop", isAlwaysOn: false, lockAfter: lockAfter)
    }

    init(size: Size = Size(width: 80, height: 24)) {
        _ = UTF8Locale.ensure()
        model = AppModel(size: size, hostName: "testhost")
    }

    /// Sends one message; returns the commands it produced.
    @discardableResult
    mutating func send(_ message: Message) -> [Command] {
        let produced = App.update(&model, message)
        commands += produced
        return produced
    }

    @discardableResult
    mutating func press(_ keys: Key...) -> [Command] {
        keys.flatMap { send(.key($0)) }
    }

    /// Types `text` one character at a time.
    @discardableResult
    mutating func type(_ text: String) -> [Command] {
        text.flatMap { send(.key(.char($0))) }
    }

    mutating func clearCommands() { commands = [] }

    /// An unlocked main screen showing `rows` (all loaded, scan complete).
    static func main(rows: [EntrySummary], lockAfter: Double = 900, size: Size = Size(width: 80, height: 24)) -> AppDriver {
        var driver = AppDriver(size: size)
        driver.send(.nodeOpened(summary(lockAfter: lockAfter)))
        driver.send(.unlocked(UnlockedNode(summary: summary(lockAfter: lockAfter), deviceKey: deviceKey, writable: true)))
        driver.load(rows, generation: 1, prefix: "")
        driver.clearCommands()
        return driver
    }

    /// Answers the index's start commands for `rows` (one page, count, finished scan).
    mutating func load(_ rows: [EntrySummary], generation: Int, prefix: String) {
        send(.pageLoaded(PageResult(generation: generation, page: 0, after: nil, rows: Array(rows.prefix(EntriesIndex.pageSize)))))
        send(.counted(generation: generation, prefix: prefix, count: rows.count))
        send(.keysScanned(KeyScan(generation: generation, scanGeneration: 0,
                                  anchors: EntriesIndex.anchors(in: rows.map(\.key), scannedBefore: 0),
                                  lastKey: rows.last?.key, scanned: rows.count, done: true)))
    }

    var main: MainState? {
        if case let .main(state) = model.screen { return state }
        return nil
    }

    var unlock: UnlockState? {
        if case let .unlock(state) = model.screen { return state }
        return nil
    }

    /// The screen as text rows, drawn by the real view.
    func screen(theme: Theme = .standard) -> [String] {
        App.view(model, size: model.size, theme: theme).lines
    }

    func screenText() -> String { screen().joined(separator: "\n") }
}

enum Fixtures {
    static func entry(_ key: String, _ value: String, versions: Int = 1) -> EntrySummary {
        EntrySummary(key: key, value: Array(value.utf8), versionCount: versions, timestamp: 1_763_700_000_000)
    }

    /// A key with a single version, written by `writer(writer)` at `index`.
    static func detail(_ key: String, _ value: String, writer byte: UInt8, index: UInt64, name: String = "laptop") -> EntryDetail {
        EntryDetail(key: key, versions: [EntryVersion(value: Array(value.utf8), writer: writer(byte), writerName: name,
                                                      timestamp: 1_763_700_000_000, index: index)])
    }

    static func writer(_ byte: UInt8) -> PublicKey {
        PublicKey(bytes: [UInt8](repeating: byte, count: 32))!
    }

    static func request(_ id: String, name: String, code: String) -> RequestRow {
        RequestRow(id: id, nodeName: name, code: code, deviceKey: String(repeating: String(id.prefix(1)), count: 64))
    }
}

/// Compares screen rows (trailing spaces trimmed) with `expected`; on a mismatch records the
/// whole actual screen, between markers, so it can be read and pasted.
func expectScreen(_ actual: [String], _ expected: String, _ name: String, sourceLocation: SourceLocation = #_sourceLocation) {
    let got = actual.map { String($0.reversed().drop { $0 == " " }.reversed()) }
    let want = expected.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
    guard got != want else { return }
    Issue.record(Comment(rawValue: "screen \(name) differs; actual:\n<<<\(name)\n" + got.joined(separator: "\n") + "\n>>>"),
                 sourceLocation: sourceLocation)
}
