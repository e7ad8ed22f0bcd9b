import Foundation

/// A `hypha serve` / `hypha join` process with `--json`: its event lines are collected as
/// they arrive, and tests wait for events with a deadline (never a fixed sleep).
final class NodeProcess: @unchecked Sendable {
    let process = Process()
    let name: String
    private let condition = NSCondition()
    private var events: [[String: Any]] = []   // guarded by `condition`
    private var rawLines: [String] = []
    private var buffer = Data()
    private var ended = false

    init(_ name: String, _ arguments: [String], environment: [String: String] = [:]) throws {
        self.name = name
        process.executableURL = HyphaProcess.binary
        process.arguments = arguments + ["--json"]
        var env = ProcessInfo.processInfo.environment
        env.removeValue(forKey: "HYPHA_PASSPHRASE_FILE")
        for (k, v) in environment { env[k] = v }
        process.environment = env
        let out = Pipe()
        process.standardOutput = out
        process.standardError = out
        out.fileHandleForReading.readabilityHandler = { [weak self] handle in
            let data = handle.availableData
            self?.receive(data)
        }
        try process.run()
    }

    deinit { stop() }

    private func receive(_ data: Data) {
        condition.lock()
        defer { condition.broadcast(); condition.unlock() }
        if data.isEmpty { ended = true; return }
        buffer.append(data)
        while let newline = buffer.firstIndex(of: 0x0A) {
            let line = String(decoding: buffer[..<newline], as: UTF8.self)
            buffer.removeSubrange(...newline)
            rawLines.append(line)
            if let object = try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any] { events.append(object) }
        }
    }

    /// Waits until an event satisfies `predicate`; throws with the output so far on timeout.
    @discardableResult
    func waitFor(_ what: String, timeout: TimeInterval = 30, _ predicate: ([String: Any]) -> Bool) throws -> [String: Any] {
        var match: [String: Any]?
        try waitUntil(what, timeout: timeout) { events in
            match = events.first(where: predicate)
            return match != nil
        }
        return match ?? [:]
    }

    /// Waits until `condition` holds for the events received so far (it runs under the lock:
    /// it must not call back into this object).
    func waitUntil(_ what: String, timeout: TimeInterval = 30, _ satisfied: ([[String: Any]]) -> Bool) throws {
        let deadline = Date().addingTimeInterval(timeout)
        condition.lock()
        defer { condition.unlock() }
        while !satisfied(events) {
            if ended || !condition.wait(until: deadline) {
                throw NodeProcessError(message: "\(name): no \(what) within \(timeout) s; output:\n" + rawLines.suffix(40).joined(separator: "\n"))
            }
        }
    }

    /// Waits for `event == kind` (and the extra fields) and returns it.
    @discardableResult
    func waitFor(event kind: String, timeout: TimeInterval = 30, _ extra: ([String: Any]) -> Bool = { _ in true }) throws -> [String: Any] {
        try waitFor("'\(kind)' event", timeout: timeout) { ($0["event"] as? String) == kind && extra($0) }
    }

    /// The address printed by the `listening` event.
    func listeningAddress() throws -> String {
        try waitFor(event: "listening")["address"] as? String ?? ""
    }

    /// Waits until this node holds at least `length` blocks of `writer`'s log.
    func waitForLog(writer: String, length: Int, timeout: TimeInterval = 60) throws {
        try waitFor("log of \(writer.prefix(8)) at \(length)", timeout: timeout) {
            ($0["event"] as? String) == "log" && ($0["writer"] as? String) == writer && ($0["length"] as? Int ?? 0) >= length
        }
    }

    var allEvents: [[String: Any]] {
        condition.lock()
        defer { condition.unlock() }
        return events
    }

    var output: String {
        condition.lock()
        defer { condition.unlock() }
        return rawLines.joined(separator: "\n")
    }

    func kill(_ signal: Int32 = SIGKILL) {
        guard process.isRunning else { return }
        Glibc.kill(process.processIdentifier, signal)
        process.waitUntilExit()
    }

    /// SIGTERM (a clean stop) and wait.
    func stop() { kill(SIGTERM) }
}

struct NodeProcessError: Error, CustomStringConvertible {
    var message: String
    var description: String { message }
}

extension NodeFixture {
    /// `hypha serve` on this node, listening on a free loopback port.
    func serve(peers: [String] = [], environment: [String: String] = [:]) throws -> NodeProcess {
        try NodeProcess("serve \(dataDirectory)", ["serve", "--data-dir", dataDirectory, "--listen", "127.0.0.1:0"] + peers.flatMap { ["--peer", $0] },
                        environment: environment.merging(["HYPHA_PASSPHRASE_FILE": passphraseFile]) { $1 })
    }

    var deviceKey: String { (try? config.deviceKey) ?? nil ?? "" }
    var databaseID: String { (try? config.database) ?? "" }
}
