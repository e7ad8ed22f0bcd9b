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
        write(data, to: .standardOutput)
    }

    static func line(_ text: String) {
        write(Data((text + "\n").utf8), to: .standardOutput)
    }

    /// A progress or status note for people, on stderr so that stdout stays scriptable.
    static func note(_ text: String) {
        write(Data((text + "\n").utf8), to: .standardError)
    }

    private static func write(_ data: Data, to handle: FileHandle) {
        lock.withLock { _ in handle.write(data) }
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
