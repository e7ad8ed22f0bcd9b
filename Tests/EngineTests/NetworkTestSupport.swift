import Dispatch
import Glibc
import Logging
import NIOCore
import Synchronization
@testable import HyphaEngine

/// Waits until `condition` holds, checking every 2 ms, for at most `seconds`. Returns whether it held.
@discardableResult
func eventually(_ seconds: Double = 10, _ condition: () -> Bool) async -> Bool {
    await eventuallyAsync(seconds) { condition() }
}

/// `eventually` for conditions that must be awaited.
@discardableResult
func eventuallyAsync(_ seconds: Double = 10, _ condition: () async -> Bool) async -> Bool {
    let deadline = DispatchTime.now().uptimeNanoseconds + UInt64(seconds * 1e9)
    while DispatchTime.now().uptimeNanoseconds < deadline {
        if await condition() { return true }
        try? await Task.sleep(nanoseconds: 2_000_000)
    }
    return await condition()
}

/// Collects network events from any thread.
final class EventRecorder: Sendable {
    private let events = Mutex<[NetworkEvent]>([])

    var callback: @Sendable (NetworkEvent) -> Void { { [self] event in events.withLock { $0.append(event) } } }
    var all: [NetworkEvent] { events.withLock { $0 } }

    var connectedCount: Int { all.filter { if case .connected = $0 { return true } else { return false } }.count }
    var disconnectedCount: Int { all.filter { if case .disconnected = $0 { return true } else { return false } }.count }
    var ephemerals: [(envelope: [UInt8], hops: UInt8, from: ConnectionID)] {
        all.compactMap { if case let .ephemeral(e, h, f) = $0 { return (e, h, f) } else { return nil } }
    }
    var disconnectReasons: [String] {
        all.compactMap { if case let .disconnected(_, _, reason) = $0 { return reason } else { return nil } }
    }
}

/// A small, fast configuration so that windows, chunks and reconnects happen with few blocks.
func testConfiguration(_ name: String) -> NetworkConfiguration {
    var configuration = NetworkConfiguration(nodeName: name, flags: [.writable])
    configuration.reconnectInitialDelay = .milliseconds(20)
    configuration.reconnectMaxDelay = .milliseconds(200)
    configuration.handshakeTimeout = .seconds(5)
    configuration.limits.wantSpan = 64
    configuration.limits.maxBlocksInFlight = 128
    configuration.limits.serveStepBlocks = 64
    configuration.limits.chunkMaxBytes = 4096
    return configuration
}

/// A node under test: a store, its network and its events.
struct TestNode {
    let store: MemoryReplicationStore
    let network: PeerNetwork
    let events: EventRecorder

    init(_ name: String, database: DatabaseID = NetworkFixtures.databaseA,
         configure: (inout NetworkConfiguration) -> Void = { _ in }) {
        store = MemoryReplicationStore(databaseID: database)
        events = EventRecorder()
        var configuration = testConfiguration(name)
        configure(&configuration)
        network = PeerNetwork(store: store, configuration: configuration,
                              logger: Logger(label: "test", factory: { _ in SwiftLogNoOpLogHandler() }),
                              onEvent: events.callback)
    }

    func listen() async throws -> Int {
        try await network.listen(on: ListenAddress(host: "127.0.0.1", port: 0)).port
    }
}

/// A blocking POSIX TCP client for feeding hand-made bytes to a node (Foundation gives no raw TCP
/// on Linux). Reads time out, so a test never hangs on it.
final class RawSocket {
    let fd: Int32

    init(port: Int) throws {
        fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw RawSocketError.failed("socket") }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = UInt16(port).bigEndian
        inet_pton(AF_INET, "127.0.0.1", &address.sin_addr)
        let rc = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard rc == 0 else {
            close(fd)
            throw RawSocketError.failed("connect")
        }
        var timeout = timeval(tv_sec: 0, tv_usec: 200_000)
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
    }

    deinit { close(fd) }

    func send(_ bytes: [UInt8]) {
        var offset = 0
        while offset < bytes.count {
            let n = bytes[offset...].withUnsafeBytes { Glibc.send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
            if n <= 0 { return }
            offset += n
        }
    }

    func shutdownWrite() { shutdown(fd, Int32(SHUT_WR)) }

    /// Reads exactly `count` bytes, or nil at EOF/timeout.
    func read(exactly count: Int, seconds: Double = 5) -> [UInt8]? {
        var out: [UInt8] = []
        let deadline = DispatchTime.now().uptimeNanoseconds + UInt64(seconds * 1e9)
        while out.count < count, DispatchTime.now().uptimeNanoseconds < deadline {
            var buffer = [UInt8](repeating: 0, count: count - out.count)
            let n = buffer.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
            if n == 0 { return nil }
            if n > 0 { out += buffer[0..<n] }
        }
        return out.count == count ? out : nil
    }

    /// Reads until the peer closes; returns everything read and whether EOF was seen in time.
    func readUntilClosed(seconds: Double = 5) -> (bytes: [UInt8], closed: Bool) {
        var out: [UInt8] = []
        let deadline = DispatchTime.now().uptimeNanoseconds + UInt64(seconds * 1e9)
        while DispatchTime.now().uptimeNanoseconds < deadline {
            var buffer = [UInt8](repeating: 0, count: 65536)
            let n = buffer.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
            if n == 0 { return (out, true) }
            if n > 0 { out += buffer[0..<n] }
            if n < 0 && errno != EAGAIN && errno != EWOULDBLOCK { return (out, true) }  // reset counts as closed
        }
        return (out, false)
    }
}

enum RawSocketError: Error { case failed(String) }

/// The initiator side of the Hypha handshake, done by hand over a `RawSocket`, for tests that
/// must control every byte (wrong database, tampered frames).
final class RawHyphaClient {
    let socket: RawSocket
    private(set) var sender: SecretStreamSender?
    private(set) var receiver: SecretStreamReceiver?
    private var receiveKey: SecureBytes?
    private(set) var capabilities: SessionCapabilities?
    private var headerSent = false

    init(port: Int) throws { socket = try RawSocket(port: port) }

    /// Sends our hello, reads the responder's and derives keys and capabilities for `database`.
    func handshake(database: DatabaseID) throws {
        let pair = try EphemeralKeyPair()
        socket.send(Hello.encode(publicKey: pair.publicKey))
        guard let hello = socket.read(exactly: WireLimits.helloLength) else { throw RawSocketError.failed("no hello") }
        let keys = try SessionKeys.derive(role: .initiator, local: pair, remotePublicKey: try Hello.parse(hello))
        capabilities = try SessionCapability.derive(keys: keys, databaseID: database)
        sender = try SecretStreamSender(key: keys.transmit)
        receiveKey = keys.receive
    }

    /// The bytes of one frame carrying `message` (with our stream header if it is the first).
    func frame(_ message: WireMessage) throws -> [UInt8] {
        guard let sender else { throw RawSocketError.failed("no handshake") }
        let header = headerSent ? [] : sender.header
        headerSent = true
        let payload = header + sender.seal(try message.encode())
        var w = BinaryWriter()
        w.u32(UInt32(payload.count))
        w.raw(payload)
        return w.bytes
    }

    func openMessage(name: String = "raw", nonce: UInt64 = 42) -> WireMessage {
        .open(OpenMessage(capability: capabilities?.local ?? [], nodeName: name, flags: [], nodeNonce: nonce))
    }

    /// Reads and decrypts the next frame from the node.
    func readMessage(seconds: Double = 5) throws -> WireMessage? {
        guard let prefix = socket.read(exactly: 4, seconds: seconds) else { return nil }
        let length = Int(UInt32(prefix[0]) | UInt32(prefix[1]) << 8 | UInt32(prefix[2]) << 16 | UInt32(prefix[3]) << 24)
        guard var payload = socket.read(exactly: length, seconds: seconds) else { return nil }
        if receiver == nil, let key = receiveKey {
            receiver = try SecretStreamReceiver(key: key, header: payload.prefix(SecretStreamSender.headerLength))
            payload.removeFirst(SecretStreamSender.headerLength)
        }
        guard let receiver else { return nil }
        return try WireMessage.decode(try receiver.open(payload))
    }
}
