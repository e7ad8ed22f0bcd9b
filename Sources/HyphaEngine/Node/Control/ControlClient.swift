import Foundation

/// A command's connection to the node running on its data directory (docs/PROTOCOL.md, "Local
/// control socket"). Opening one fails quietly when no node runs there: the command then works
/// on the database itself.
public final class ControlConnection {
    private let fd: Int32
    private var reader: LineReader

    /// The running node's socket in `dataDirectory`, or nil when no node answers there.
    public static func open(dataDirectory: String) -> ControlConnection? {
        ControlSocket.connect(dataDirectory + "/" + ControlSocket.fileName).map(ControlConnection.init(fd:))
    }

    private init(fd: Int32) {
        self.fd = fd
        reader = LineReader(fd: fd)
    }

    deinit { close(fd) }

    /// Sends one request and reads its answer.
    public func call(_ request: ControlRequest) throws -> ControlResponse {
        try send(request)
        return try receive()
    }

    /// Sends a watch (or any streaming) request and hands every answer to `each` until it
    /// returns false or the node goes away.
    public func stream(_ request: ControlRequest, each: (ControlResponse) -> Bool) throws {
        try send(request)
        while true {
            guard each(try receive()) else { return }
        }
    }

    /// Sends a request. When the node already closed the connection, what it said before
    /// closing (a refusal) is still read and answered.
    private func send(_ request: ControlRequest) throws {
        // A refusal is written at once, so the write can fail; the answer is read all the same.
        _ = ControlSocket.writeLine(fd, Array(try JSONEncoder().encode(request)))
    }

    private func receive() throws -> ControlResponse {
        guard let line = reader.next() else { throw ControlError.lost }
        guard let response = try? JSONDecoder().decode(ControlResponse.self, from: Data(line)) else { throw ControlError.malformed }
        return response
    }
}

public enum ControlError: UserFacingError, Equatable {
    case lost
    case malformed

    public var description: String {
        switch self {
        case .lost: return "the node running on this data directory stopped answering"
        case .malformed: return "the node running on this data directory gave an answer this version does not understand"
        }
    }
}
