import Foundation
import HyphaEngine
import Synchronization

/// Writing command results to standard output: text lines or one JSON document. Every line
/// goes out in one write under a lock, so lines from different threads (a node's events) never
/// interleave.
enum Output {
    private static let lock = Mutex(())

    /// Prints `value` as JSON with sorted keys on one line.
    static func json(_ value: Any) throws {
        var data = try JSONSerialization.data(withJSONObject: value, options: [.sortedKeys, .withoutEscapingSlashes])
        data.append(0x0A)
        write(data, to: STDOUT_FILENO)
    }

    static func line(_ text: String) {
        write(Data((text + "\n").utf8), to: STDOUT_FILENO)
    }

    /// Bytes as they are, for output that builds its own lines (export).
    static func raw(_ data: Data) {
        write(data, to: STDOUT_FILENO)
    }

    /// A progress or status note for people, on stderr so that stdout stays scriptable.
    static func note(_ text: String) {
        write(Data((text + "\n").utf8), to: STDERR_FILENO)
    }

    /// write(2) until done. When the reader has gone (`hypha list | head`), there is nobody
    /// left to tell anything: stop quietly.
    private static func write(_ data: Data, to fd: Int32) {
        lock.withLock { _ in
            data.withUnsafeBytes { bytes in
                var offset = 0
                while offset < bytes.count {
                    let n = Glibc.write(fd, bytes.baseAddress! + offset, bytes.count - offset)
                    if n > 0 { offset += n; continue }
                    if n < 0 && errno == EINTR { continue }
                    if n < 0 && errno == EPIPE { exit(0) }
                    return
                }
            }
        }
    }
}

extension Output {
    /// Whether standard output is a terminal: values printed there are made inert (they may
    /// come from other nodes); piped output stays byte-exact for scripts.
    static let stdoutIsTerminal = isatty(STDOUT_FILENO) == 1

    /// A value as text for a line of output.
    static func text(_ value: [UInt8]) -> String {
        let string = String(decoding: value, as: UTF8.self)
        return stdoutIsTerminal ? Sanitise.forTerminal(string, limit: Int.max) : string
    }

    /// A value as a JSON string (JSON escapes control characters itself).
    static func jsonText(_ value: [UInt8]?) -> Any {
        value.map { String(decoding: $0, as: UTF8.self) } ?? NSNull()
    }
}
