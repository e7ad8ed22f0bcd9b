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

/// An append-only log file shared by every logger of the process (0600).
final class FileLogSink: Sendable {
    private let handle: Mutex<FileHandle>

    init?(url: URL) {
        let fd = open(url.path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0o600)
        guard fd >= 0 else { return nil }
        handle = Mutex(FileHandle(fileDescriptor: fd, closeOnDealloc: true))
    }

    func write(_ line: String) {
        handle.withLock { $0.write(Data((line + "\n").utf8)) }
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

    func log(level: Logger.Level, message: Logger.Message, metadata extra: Logger.Metadata?,
             source: String, file: String, function: String, line: UInt) {
        var all = metadata
        if let extra { all.merge(extra) { $1 } }
        let details = all.isEmpty ? "" : " " + all.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: " ")
        let time = ISO8601DateFormatter().string(from: Date())
        sink.write("\(time) \(level) [\(label)] \(message)\(details)")
    }
}
