import Foundation

/// The low-level side of the control socket: a Unix domain stream socket in the data directory
/// (mode 0600), the peer's credentials, and line-framed reads and writes with bounds.
enum ControlSocket {
    /// The socket's file name in the data directory.
    static let fileName = "control.sock"
    /// The longest request line accepted (a batch of writes in base64).
    static let maxLineBytes = 16 * 1024 * 1024

    static func address(_ path: String) -> sockaddr_un? {
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        let bytes = Array(path.utf8)
        guard bytes.count < MemoryLayout.size(ofValue: address.sun_path) else { return nil }
        withUnsafeMutableBytes(of: &address.sun_path) { buffer in
            for (i, byte) in bytes.enumerated() { buffer[i] = byte }
        }
        return address
    }

    /// A connected socket to `path`, or nil when nobody listens there.
    static func connect(_ path: String) -> Int32? {
        guard var address = address(path) else { return nil }
        let fd = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { return nil }
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { Glibc.connect(fd, $0, socklen_t(MemoryLayout<sockaddr_un>.size)) }
        }
        guard connected == 0 else {
            close(fd)
            return nil
        }
        return fd
    }

    /// Linux's `struct ucred` (pid, uid, gid), which Glibc's Swift module does not export.
    private struct PeerCredentials {
        var pid: Int32 = 0
        var uid: UInt32 = 0
        var gid: UInt32 = 0
    }

    /// Linux's SO_PEERCRED.
    private static let peerCredentialsOption: Int32 = 17

    /// The user id of the process at the other end of `fd`.
    static func peerUserID(_ fd: Int32) -> uid_t? {
        var credentials = PeerCredentials()
        var length = socklen_t(MemoryLayout<PeerCredentials>.size)
        guard getsockopt(fd, SOL_SOCKET, peerCredentialsOption, &credentials, &length) == 0,
              length == socklen_t(MemoryLayout<PeerCredentials>.size) else { return nil }
        return credentials.uid
    }

    /// Writes all of `bytes` (and a newline); false when the other end went away.
    @discardableResult
    static func writeLine(_ fd: Int32, _ bytes: [UInt8]) -> Bool {
        var data = bytes
        data.append(0x0A)
        var offset = 0
        while offset < data.count {
            let written = data[offset...].withUnsafeBytes { send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
            if written < 0 && errno == EINTR { continue }
            guard written > 0 else { return false }
            offset += written
        }
        return true
    }
}

/// Reads newline-framed lines from a socket, refusing a line longer than the limit.
struct LineReader {
    let fd: Int32
    var limit = ControlSocket.maxLineBytes
    private var buffer: [UInt8] = []

    init(fd: Int32) { self.fd = fd }

    /// The next line (without its newline); nil at the end of the stream, on an error, or when a
    /// line exceeds the limit.
    mutating func next() -> [UInt8]? {
        while true {
            if let newline = buffer.firstIndex(of: 0x0A) {
                let line = Array(buffer[..<newline])
                buffer.removeSubrange(...newline)
                return line
            }
            guard buffer.count <= limit else { return nil }
            var chunk = [UInt8](repeating: 0, count: 64 * 1024)
            let count = chunk.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
            if count < 0 && errno == EINTR { continue }
            guard count > 0 else { return nil }
            buffer.append(contentsOf: chunk[..<count])
        }
    }
}
