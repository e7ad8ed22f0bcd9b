import Dispatch
import Foundation
import Logging

/// Serves the control socket of a running node: accepts on its own queue, checks that the peer
/// is the same user (SO_PEERCRED), and gives each connection a thread that reads request lines
/// and writes response lines (a `watch` keeps writing until the client goes away).
///
/// @unchecked Sendable: `listening` and `source` are touched only on `queue`.
final class ControlServer: @unchecked Sendable {
    let path: String
    private let handler: ControlHandler
    private let logger: Logger
    private let queue = DispatchQueue(label: "hypha.control")
    private var listening: Int32 = -1
    private var source: DispatchSourceRead?

    init(path: String, handler: ControlHandler, logger: Logger) {
        self.path = path
        self.handler = handler
        self.logger = logger
    }

    /// Starts listening; false (and nothing listens) when another node already serves this data
    /// directory or the path cannot hold a socket.
    func start() -> Bool {
        queue.sync {
            if let fd = ControlSocket.connect(path) {
                close(fd)   // another running node answers here
                return false
            }
            unlink(path)    // a socket left by a node that died
            guard var address = ControlSocket.address(path) else { return false }
            let fd = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
            guard fd >= 0 else { return false }
            let previous = umask(0o177)   // the socket file is 0600 from the start
            let bound = withUnsafePointer(to: &address) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_un>.size)) }
            }
            umask(previous)
            guard bound == 0, chmod(path, 0o600) == 0, listen(fd, 64) == 0 else {
                close(fd)
                return false
            }
            listening = fd
            let source = DispatchSource.makeReadSource(fileDescriptor: fd, queue: queue)
            source.setEventHandler { [weak self] in self?.accept() }
            source.resume()
            self.source = source
            return true
        }
    }

    func stop() {
        queue.sync {
            source?.cancel()
            source = nil
            if listening >= 0 {
                close(listening)
                listening = -1
                unlink(path)
            }
        }
    }

    private func accept() {
        dispatchPrecondition(condition: .onQueue(queue))
        let fd = Glibc.accept(listening, nil, nil)
        guard fd >= 0 else { return }
        _ = fcntl(fd, F_SETFD, FD_CLOEXEC)
        guard ControlSocket.peerUserID(fd) == geteuid() else {
            // Another user: one line, then closed. Nothing of the database is read.
            ControlSocket.writeLine(fd, Self.encode(.failure("refused: the control socket serves only its own user", code: "refused")))
            close(fd)
            logger.warning("control socket: refused a connection from another user")
            return
        }
        let handler = self.handler
        let thread = Thread { Self.serve(fd, handler: handler) }
        thread.name = "hypha.control.connection"
        thread.start()
    }

    private static func serve(_ fd: Int32, handler: ControlHandler) {
        defer { close(fd) }
        var reader = LineReader(fd: fd)
        while let line = reader.next() {
            guard let request = try? JSONDecoder().decode(ControlRequest.self, from: Data(line)) else {
                ControlSocket.writeLine(fd, encode(.failure("malformed request", code: "malformed")))
                return
            }
            if request.op == .watch {
                handler.watch(request, fd: fd, reader: &reader)
                return
            }
            guard ControlSocket.writeLine(fd, encode(handler.handle(request))) else { return }
        }
    }

    static func encode(_ response: ControlResponse) -> [UInt8] {
        (try? Array(JSONEncoder().encode(response))) ?? Array(#"{"ok":false,"error":"internal error"}"#.utf8)
    }
}
