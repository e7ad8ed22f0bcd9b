import ArgumentParser
import Foundation
import HyphaEngine

/// `hypha bench cli`: how long commands take with and without a node running on the data
/// directory, and how soon a put made through the running node is seen on a connected peer.
struct BenchCLICommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "cli",
        abstract: "Time get and put with and without a running node, and put → visible on a connected peer.",
        discussion: "Real processes on loopback: a node A, a node B connected to it, `hypha watch` on B. Without a node each command derives the keys (Argon2id)."
    )

    @Option(name: .customLong("runs"), help: "Commands timed with a running node.") var runs = 100
    @Option(name: .customLong("direct-runs"), help: "Commands timed without a running node (each derives keys).") var directRuns = 5
    @OptionGroup var json: JSONOption

    func run() throws {
        let temp = FileManager.default.temporaryDirectory.appendingPathComponent("hypha-bench-cli-\(getpid())")
        try FileManager.default.createDirectory(at: temp, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: temp) }
        let passphrase = temp.appendingPathComponent("passphrase").path
        try "abdominal backspace cardboard supernova earphone enigmatic gallantly handiwork\n".write(toFile: passphrase, atomically: true, encoding: .utf8)
        let a = temp.appendingPathComponent("a").path, b = temp.appendingPathComponent("b").path
        let withPassphrase = ["HYPHA_PASSPHRASE_FILE": passphrase]
        try ChildCommand.run(["new", "--domain", "example.org", "--name", "a", "--data-dir", a], environment: withPassphrase)
        try ChildCommand.run(["put", "bench/key", "a value", "--data-dir", a], environment: withPassphrase)

        let directGet = try (0..<directRuns).map { _ in try ChildCommand.time(["get", "bench/key", "--data-dir", a], environment: withPassphrase) }
        let directPut = try (0..<directRuns).map { i in try ChildCommand.time(["put", "bench/direct\(i)", "v", "--data-dir", a], environment: withPassphrase) }

        let nodeA = try ChildNode(arguments: ["serve", "--data-dir", a, "--listen", "127.0.0.1:0"], environment: withPassphrase)
        defer { nodeA.stop() }
        let listening = try nodeA.wait(timeout: 60) { $0["event"] as? String == "listening" }.event.object["address"] as? String ?? ""
        let nodeB = try ChildNode(arguments: ["join", "--domain", "example.org", "--name", "b", "--data-dir", b, "--self-authorise",
                                              "--listen", "127.0.0.1:0", "--peer", listening], environment: withPassphrase)
        defer { nodeB.stop() }
        _ = try nodeB.wait(timeout: 60) { $0["event"] as? String == "synced" }
        try waitForSocket(a)
        try waitForSocket(b)

        let nodeGet = try (0..<runs).map { _ in try ChildCommand.time(["get", "bench/key", "--data-dir", a], environment: [:]) }
        let nodePut = try (0..<runs).map { i in try ChildCommand.time(["put", "bench/node\(i)", "v", "--data-dir", a], environment: [:]) }

        // A put through A's socket (from this process, so that no process start is counted),
        // timed from the request until B's watch prints the key: commit, push, B's ingest and
        // the watch stream all included.
        let watch = try ChildNode(arguments: ["watch", "--prefix", "bench/peer", "--data-dir", b], environment: [:])
        defer { watch.stop() }
        guard let socket = ControlConnection.open(dataDirectory: a) else { throw OperationalFailure(message: "bench: A's socket") }
        var seen = 0
        // The watch may still be connecting: write probes until it prints one.
        for probe in 0..<200 {
            _ = try RunningNode.call(socket, ControlRequest(op: .write, changes: [ControlChange(key: "bench/peer-probe", value: Array("\(probe)".utf8), replaces: nil)]))
            if let (_, index) = try? watch.wait(timeout: 0.1, { $0["key"] as? String == "bench/peer-probe" }) {
                seen = index + 1
                break
            }
        }
        var toPeer: [Double] = []
        for i in 0..<runs {
            let key = "bench/peer\(i)"
            let sent = DispatchTime.now().uptimeNanoseconds
            _ = try RunningNode.call(socket, ControlRequest(op: .write, changes: [ControlChange(key: key, value: Array("v".utf8), replaces: nil)]))
            let (event, index) = try watch.wait(from: seen, timeout: 30) { $0["key"] as? String == key }
            seen = index + 1
            toPeer.append(Double(event.at - sent) / 1e6)
        }
        report(directGet: directGet, directPut: directPut, nodeGet: nodeGet, nodePut: nodePut, toPeer: toPeer)
    }

    private func waitForSocket(_ directory: String) throws {
        let deadline = Date().addingTimeInterval(30)
        while ControlConnection.open(dataDirectory: directory) == nil {
            guard Date() < deadline else { throw OperationalFailure(message: "bench: no control socket in \(directory)") }
            usleep(20_000)
        }
    }

    private func report(directGet: [Double], directPut: [Double], nodeGet: [Double], nodePut: [Double], toPeer: [Double]) {
        let rows: [(String, [Double], String)] = [
            ("get, no node (derives keys)", directGet, ""), ("put, no node (derives keys)", directPut, ""),
            ("get through the node", nodeGet, "goal ≤ 20 ms median"), ("put through the node", nodePut, ""),
            ("put through the socket → seen by watch on a peer", toPeer, "goal ≤ 5 ms median"),
        ]
        if json.enabled {
            let object = Dictionary(uniqueKeysWithValues: zip(["getDirect", "putDirect", "getNode", "putNode", "putToPeer"], rows).map { name, row in
                (name, ["medianMs": Stats.median(row.1), "p90Ms": Stats.percentile(row.1, 0.9), "runs": row.1.count] as [String: Any])
            })
            try? Output.json(object)
            return
        }
        for (name, values, goal) in rows {
            Output.line(String(format: "%@: median %.1f ms, p90 %.1f ms (%d runs)%@", name, Stats.median(values),
                               Stats.percentile(values, 0.9), values.count, goal.isEmpty ? "" : "; \(goal)"))
        }
    }
}

/// Running `hypha` child processes to completion, timed.
enum ChildCommand {
    static func run(_ arguments: [String], environment: [String: String]) throws {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath()
        process.arguments = arguments
        var env = ProcessInfo.processInfo.environment
        env.removeValue(forKey: "HYPHA_PASSPHRASE_FILE")
        process.environment = env.merging(environment) { $1 }
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            throw OperationalFailure(message: "bench: `hypha \(arguments.first ?? "")` failed with status \(process.terminationStatus)")
        }
    }

    /// Wall-clock milliseconds of one command, process start included. Spawned with
    /// posix_spawn (Foundation's Process adds tens of milliseconds of its own), output discarded.
    static func time(_ arguments: [String], environment: [String: String]) throws -> Double {
        let path = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath().path
        var env = ProcessInfo.processInfo.environment
        env.removeValue(forKey: "HYPHA_PASSPHRASE_FILE")
        let pairs = env.merging(environment) { $1 }.map { "\($0.key)=\($0.value)" }
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 2, "/dev/null", O_WRONLY, 0)
        let argv = ([path] + arguments).map { strdup($0) } + [nil]
        let envp = pairs.map { strdup($0) } + [nil]
        defer { (argv + envp).forEach { free($0) } }
        var pid: pid_t = 0
        let start = DispatchTime.now().uptimeNanoseconds
        guard posix_spawn(&pid, path, &actions, nil, argv, envp) == 0 else { throw OperationalFailure(message: "bench: cannot start \(path)") }
        var status: Int32 = 0
        waitpid(pid, &status, 0)
        let elapsed = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e6
        guard status == 0 else { throw OperationalFailure(message: "bench: `hypha \(arguments.first ?? "")` failed (status \(status))") }
        return elapsed
    }
}

enum Stats {
    static func median(_ values: [Double]) -> Double { percentile(values, 0.5) }
    static func percentile(_ values: [Double], _ p: Double) -> Double {
        guard !values.isEmpty else { return 0 }
        let sorted = values.sorted()
        return sorted[min(sorted.count - 1, Int(Double(sorted.count - 1) * p + 0.5))]
    }
}
