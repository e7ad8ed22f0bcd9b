import Foundation
import Testing

/// One data directory of a test database (made by `new`, `join` or an always-on `serve`) and
/// the commands the scenario suites run against it, as a person or a script would.
struct DataDir: CustomStringConvertible {
    let name: String
    let path: String
    /// Nil for an always-on node, which holds no secret.
    let passphraseFile: String?

    init(_ name: String, path: String, passphraseFile: String?) {
        self.name = name
        self.path = path
        self.passphraseFile = passphraseFile
    }

    init(_ fixture: NodeFixture, name: String) {
        self.init(name, path: fixture.dataDirectory, passphraseFile: fixture.passphraseFile)
    }

    var description: String { name }

    var environment: [String: String] { passphraseFile.map { ["HYPHA_PASSPHRASE_FILE": $0] } ?? [:] }

    /// `hypha ARGS --data-dir PATH`, with the passphrase file when this node has one.
    @discardableResult
    func run(_ arguments: [String]) throws -> HyphaProcess.Result {
        try HyphaProcess.run(arguments + ["--data-dir", path], environment: environment)
    }

    /// Runs a command that prints JSON and decodes it (nil when it failed or printed no JSON).
    func json(_ arguments: [String]) throws -> Any? {
        let result = try run(arguments + ["--json"])
        guard result.status == 0 else { return nil }
        return try? JSONSerialization.jsonObject(with: Data(result.stdout.utf8))
    }

    /// `hypha nodes --json`.
    func nodes() throws -> [[String: Any]] { try json(["nodes"]) as? [[String: Any]] ?? [] }

    /// The `nodes --json` rows of one writer key.
    func node(_ key: String) throws -> [[String: Any]] { try nodes().filter { $0["key"] as? String == key } }

    /// The status `nodes` shows for `key` ("authorised", "removed", "unknown"), nil when not listed.
    func status(of key: String) throws -> String? { try node(key).first?["status"] as? String }

    /// `hypha list --json`, as raw bytes of JSON re-serialised with sorted keys (so that two
    /// nodes can be compared exactly).
    func listing() throws -> String {
        let result = try run(["list", "--json"])
        guard result.status == 0, let object = try? JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) else {
            return "list failed (\(result.status)): \(result.stderr)"
        }
        let data = try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])
        return String(decoding: data, as: UTF8.self)
    }

    /// `hypha get KEY --json` (nil when the key does not exist).
    func entry(_ key: String) throws -> [String: Any]? { try json(["get", key]) as? [String: Any] }

    /// The version ids and values of KEY.
    func versions(_ key: String) throws -> [(id: String, value: String)] {
        let versions = try entry(key)?["versions"] as? [[String: Any]] ?? []
        return versions.map { ($0["id"] as? String ?? "", $0["value"] as? String ?? "") }
    }

    /// `hypha requests --json`.
    func requests() throws -> [[String: Any]] { try json(["requests"]) as? [[String: Any]] ?? [] }

    /// Stored log lengths by writer key (`hypha log --json`).
    func logLengths() throws -> [String: Int] {
        let object = try json(["log"]) as? [String: Any]
        let writers = object?["writers"] as? [[String: Any]] ?? []
        return Dictionary(writers.map { ($0["key"] as? String ?? "", $0["length"] as? Int ?? 0) }) { a, _ in a }
    }

    /// This node's device key (nil for an always-on node).
    var deviceKey: String? { try? DataDirectoryReader.deviceKey(path) }

    /// Total bytes of the SQLite database, its WAL and its shared-memory file.
    var databaseBytes: Int {
        ["hypha.sqlite", "hypha.sqlite-wal", "hypha.sqlite-shm"].reduce(0) { total, file in
            let attributes = try? FileManager.default.attributesOfItem(atPath: path + "/" + file)
            return total + ((attributes?[.size] as? NSNumber)?.intValue ?? 0)
        }
    }
}

/// Waiting for a condition that other processes bring about: polls with a deadline, never a
/// bare sleep.
enum Poll {
    /// Re-checks `condition` every `interval` until it holds; throws with `what` (and the last
    /// description `detail` gives) when `timeout` passes first.
    static func until(_ what: String, timeout: TimeInterval = 30, interval: TimeInterval = 0.2,
                      detail: () throws -> String = { "" }, _ condition: () throws -> Bool) throws {
        let deadline = Date().addingTimeInterval(timeout)
        while true {
            if try condition() { return }
            if Date() > deadline {
                throw NodeProcessError(message: "not within \(timeout) s: \(what). \(try detail())")
            }
            Thread.sleep(forTimeInterval: interval)
        }
    }
}

/// Starting the processes of a scenario.
enum Processes {
    /// `hypha serve` on a full node's data directory, listening on a free loopback port.
    static func serve(_ node: DataDir, peers: [String] = []) throws -> NodeProcess {
        try NodeProcess("serve \(node.name)", ["serve", "--data-dir", node.path, "--listen", "127.0.0.1:0"] + peers.flatMap { ["--peer", $0] },
                        environment: node.environment)
    }

    /// An always-on node (no secret) of `databaseID`.
    static func relay(_ path: String, databaseID: String, peers: [String] = []) throws -> NodeProcess {
        try NodeProcess("relay", ["serve", "--always-on", "--database", databaseID, "--name", "relay", "--data-dir", path,
                                  "--listen", "127.0.0.1:0"] + peers.flatMap { ["--peer", $0] })
    }

    /// `hypha join` as node `name` in `path`; it keeps running as a node (listening on a free
    /// port when `listen`), asking to be authorised unless `selfAuthorise`.
    static func join(_ name: String, path: String, passphraseFile: String, peers: [String], listen: Bool = false,
                     selfAuthorise: Bool = false, resendMilliseconds: Int = 500) throws -> NodeProcess {
        var arguments = ["join", "--domain", "example.org", "--data-dir", path, "--name", name] + peers.flatMap { ["--peer", $0] }
        if listen { arguments += ["--listen", "127.0.0.1:0"] }
        if selfAuthorise { arguments.append("--self-authorise") }
        return try NodeProcess("join \(name)", arguments,
                               environment: ["HYPHA_PASSPHRASE_FILE": passphraseFile, "HYPHA_JOIN_RESEND_MS": "\(resendMilliseconds)"])
    }

    /// A serving origin `a` and a second writer `b` signed in with the passphrase alone, which
    /// keeps running as a node connected to `a`.
    static func servingPair(_ origin: NodeFixture) throws -> (a: DataDir, aNode: NodeProcess, b: DataDir, bNode: NodeProcess) {
        let a = DataDir(origin, name: "a")
        let aNode = try origin.serve()
        let b = DataDir("b", path: origin.temp.path("b"), passphraseFile: origin.passphraseFile)
        let bNode = try join("b", path: b.path, passphraseFile: origin.passphraseFile,
                             peers: [try aNode.listeningAddress()], selfAuthorise: true)
        try bNode.waitFor(event: "selfAuthorised")
        return (a, aNode, b, bNode)
    }

    /// Copies a data directory the way a backup is restored (`cp -a`).
    static func copyDirectory(_ from: String, to: String) throws {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/cp")
        process.arguments = ["-a", from, to]
        try process.run()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else { throw NodeProcessError(message: "cp -a \(from) \(to) failed") }
    }
}

extension NodeProcess {
    /// The id of the first `request` event from node `name`.
    func requestID(from name: String, timeout: TimeInterval = 30) throws -> String {
        try waitFor(event: "request", timeout: timeout) { $0["node"] as? String == name }["id"] as? String ?? ""
    }

    /// Whether the process is still running (it did not crash or exit).
    var isRunning: Bool { process.isRunning }
}

/// A value shared between threads, behind a lock.
final class LockedBox<Value>: @unchecked Sendable {
    private let lock = NSLock()
    private var value: Value
    init(_ value: Value) { self.value = value }
    func withLock<T>(_ body: (inout Value) -> T) -> T {
        lock.lock()
        defer { lock.unlock() }
        return body(&value)
    }
}
