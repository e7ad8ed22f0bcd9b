import Foundation
import Logging
import Synchronization

/// swift-log set-up: everything goes to a file (the node's `hypha.log`), never to the
/// terminal, which the full-screen app owns.
enum LogSetup {
    private static let bootstrapped = Mutex(false)

    static func bootstrap(file: URL, level: Logger.Level = .info) {
        let first = bootstrapped.withLock { done -> Bool in
            defer { done = true }
            return !done
        }
        guard first, let sink = FileLogSink(url: file) else { return }
        LoggingSystem.bootstrap { label in
            var handler = FileLogHandler(label: label, sink: sink)
            handler.logLevel = level
            return handler
        }
    }
}

/// An append-only log file shared by every logger of the process (0600). Writing never fails
/// loudly: on a full disk or a read-only file system a line is simply lost (a log must never
/// bring the node down; FileHandle.write traps on such errors).
final class FileLogSink: Sendable {
    private let descriptor: Mutex<Int32>

    init?(url: URL) {
        let fd = open(url.path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0o600)
        guard fd >= 0 else { return nil }
        descriptor = Mutex(fd)
    }

    deinit { descriptor.withLock { _ = close($0) } }

    func write(_ line: String) {
        let bytes = Array((line + "\n").utf8)
        descriptor.withLock { fd in
            bytes.withUnsafeBytes { buffer in
                // One write(2) per line (O_APPEND keeps lines whole); errors are ignored on purpose.
                _ = Glibc.write(fd, buffer.baseAddress, buffer.count)
            }
        }
    }
}

struct FileLogHandler: LogHandler {
    let label: String
    let sink: FileLogSink
    var logLevel: Logger.Level = .info
    var metadata: Logger.Metadata = [:]

    subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    func log(event: LogEvent) {
        var all = metadata
        if let extra = event.metadata { all.merge(extra) { $1 } }
        let level = event.level, message = event.message
        let details = all.isEmpty ? "" : " " + all.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: " ")
        let time = ISO8601DateFormatter().string(from: Date())
        sink.write("\(time) \(level) [\(label)] \(message)\(details)")
    }
}
