import Foundation
@testable import HyphaEngine

/// A protocol-speaking client on a raw socket: it proves the capability, then sends what a test
/// tells it to and reads only when asked (so it can stop reading altogether).
struct RawSessionClient {
    let socket: RawSocket
    private let sender: SecretStreamSender
    private var headerSent = false

    init(port: Int, databaseID: DatabaseID, receiveBuffer: Int32? = nil) throws {
        socket = try RawSocket(port: port, receiveBuffer: receiveBuffer)
        let pair = try EphemeralKeyPair()
        socket.send(Hello.encode(publicKey: pair.publicKey))
        guard let hello = socket.read(WireLimits.helloLength) else { throw NodeProcessError(message: "no hello from the node") }
        let keys = try SessionKeys.derive(role: .initiator, local: pair, remotePublicKey: try Hello.parse(hello))
        let capabilities = try SessionCapability.derive(keys: keys, databaseID: databaseID)
        sender = try SecretStreamSender(key: keys.transmit)
        keys.wipe()
        try send(.open(OpenMessage(capability: capabilities.local, nodeName: "test client", flags: [],
                                   nodeNonce: UInt64.random(in: 1...UInt64.max))))
    }

    mutating func send(_ message: WireMessage) throws {
        let payload = (headerSent ? [] : sender.header) + sender.seal(try message.encode())
        headerSent = true
        let length = UInt32(payload.count)
        socket.send((0..<4).map { UInt8(truncatingIfNeeded: length >> (8 * $0)) } + payload)
    }
}

/// What /proc says about a process.
enum ProcFS {
    static func residentBytes(_ pid: Int32) -> Int {
        guard let status = try? String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8),
              let line = status.split(separator: "\n").first(where: { $0.hasPrefix("VmRSS:") }),
              let kib = Int(line.split(separator: " ").dropFirst().first ?? "") else { return 0 }
        return kib * 1024
    }

    /// Bytes a process has read with read calls, sockets included (`rchar` of /proc/PID/io).
    static func bytesRead(_ pid: Int32) -> Int {
        guard let io = try? String(contentsOfFile: "/proc/\(pid)/io", encoding: .utf8),
              let line = io.split(separator: "\n").first(where: { $0.hasPrefix("rchar:") }) else { return 0 }
        return Int(line.split(separator: " ").last ?? "") ?? 0
    }

    static func openFiles(_ pid: Int32) -> Int {
        (try? FileManager.default.contentsOfDirectory(atPath: "/proc/\(pid)/fd").count) ?? 0
    }
}

/// Samples a process's resident memory every 20 ms until stopped; returns the peak.
final class RSSSampler: @unchecked Sendable {
    private let lock = NSLock()
    private var peak = 0          // guarded by `lock`
    private var running = true
    private let finished = DispatchSemaphore(value: 0)

    init(pid: Int32) {
        Thread.detachNewThread { [self] in
            while lock.withLock({ running }) {
                let rss = ProcFS.residentBytes(pid)
                lock.withLock { peak = max(peak, rss) }
                usleep(20_000)
            }
            finished.signal()
        }
    }

    func stop() -> Int {
        lock.withLock { running = false }
        finished.wait()
        return lock.withLock { peak }
    }
}

extension NodeProcess {
    var pid: Int32 { process.processIdentifier }

    /// Polls `condition` every 20 ms until it holds (false after `timeout` seconds).
    static func eventually(timeout: TimeInterval = 30, _ condition: () -> Bool) -> Bool {
        let deadline = Date().addingTimeInterval(timeout)
        while Date() < deadline {
            if condition() { return true }
            usleep(20_000)
        }
        return condition()
    }

    /// The attacker of `hypha bench hostile` against `port`, for at most `seconds`.
    static func attacker(port: Int, connections: Int, kinds: String = "half-frame,idle,storm", seconds: Int = 60) throws -> NodeProcess {
        try NodeProcess("attacker", ["bench", "hostile-attacker", "--port", "\(port)", "--connections", "\(connections)",
                                     "--seconds", "\(seconds)", "--sources", "32", "--kinds", kinds])
    }
}
