import Foundation

/// A `hypha` child process whose `--json` event lines are collected as they arrive, so a
/// benchmark can wait for one (with a deadline) and time when it came.
final class ChildNode: @unchecked Sendable {
    struct Event {
        var object: [String: Any]
        var at: UInt64   // DispatchTime nanoseconds when the line was read
    }

    private let process = Process()
    private let condition = NSCondition()
    private var events: [Event] = []        // guarded by `condition`
    private var buffer = Data()
    private var ended = false

    /// `executable`: another `hypha` binary (this one when nil).
    init(arguments: [String], environment: [String: String], executable: String? = nil) throws {
        process.executableURL = URL(fileURLWithPath: executable ?? CommandLine.arguments[0]).resolvingSymlinksInPath()
        process.arguments = arguments + ["--json"]
        process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 }
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = FileHandle.nullDevice
        pipe.fileHandleForReading.readabilityHandler = { [weak self] handle in self?.receive(handle.availableData) }
        try process.run()
        ChildReaper.add(process.processIdentifier)
    }

    private func receive(_ data: Data) {
        let now = DispatchTime.now().uptimeNanoseconds
        condition.lock()
        defer { condition.broadcast(); condition.unlock() }
        if data.isEmpty { ended = true; return }
        buffer.append(data)
        while let newline = buffer.firstIndex(of: 0x0A) {
            let line = Data(buffer[..<newline])
            buffer.removeSubrange(...newline)
            if let object = try? JSONSerialization.jsonObject(with: line) as? [String: Any] { events.append(Event(object: object, at: now)) }
        }
    }

    /// The first event (from index `from` on) matching `predicate`, waiting up to `timeout` seconds.
    func wait(from: Int = 0, timeout: Double, _ predicate: ([String: Any]) -> Bool) throws -> (event: Event, index: Int) {
        let deadline = Date().addingTimeInterval(timeout)
        condition.lock()
        defer { condition.unlock() }
        while true {
            if from < events.count, let i = events[from...].firstIndex(where: { predicate($0.object) }) { return (events[i], i) }
            if ended || !condition.wait(until: deadline) {
                throw OperationalFailure(message: "bench: the child node did not report in time (\(ended ? "it exited" : "timeout"))")
            }
        }
    }

    var count: Int { condition.lock(); defer { condition.unlock() }; return events.count }

    var pid: Int32 { process.processIdentifier }
    var isRunning: Bool { process.isRunning }

    func stop() {
        ChildReaper.remove(process.processIdentifier)
        guard process.isRunning else { return }
        kill(process.processIdentifier, SIGTERM)
        process.waitUntilExit()
    }
}

/// Kills the children of a benchmark when it is interrupted (SIGINT, SIGTERM), so that no relay
/// or attacker outlives it.
enum ChildReaper {
    nonisolated(unsafe) private static var pids: Set<Int32> = []
    private static let lock = NSLock()
    nonisolated(unsafe) private static var installed = false

    static func add(_ pid: Int32) {
        lock.withLock {
            pids.insert(pid)
            guard !installed else { return }
            installed = true
            for signalNumber in [SIGINT, SIGTERM] {
                signal(signalNumber) { received in
                    for pid in ChildReaper.pids { kill(pid, SIGKILL) }
                    _exit(128 + received)
                }
            }
        }
    }

    static func remove(_ pid: Int32) { _ = lock.withLock { pids.remove(pid) } }
}
