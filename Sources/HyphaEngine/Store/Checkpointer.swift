import Dispatch
import Foundation
import GRDB
import Synchronization

/// WAL checkpoints off the write path. SQLite's automatic checkpoint runs inside the commit
/// that crosses its threshold, so a sync of 100,000 entries paid for copying every page twice
/// in its own transactions. Instead automatic checkpoints are off and, when the WAL grows past
/// `threshold`, a PASSIVE checkpoint (which blocks neither writers nor readers) runs on a
/// connection of its own, on a utility queue, one at a time. The last connection to close a
/// database checkpoints it anyway, so short-lived CLI processes leave no WAL behind.
final class Checkpointer: Sendable {
    static let threshold: UInt64 = 16 * 1024 * 1024

    private let path: String
    private let queue = DispatchQueue(label: "hypha.checkpoint", qos: .utility)
    private let state = Mutex<(connection: DatabaseQueue?, running: Bool)>((nil, false))

    init(path: String) { self.path = path }

    /// After a commit: starts a checkpoint when the WAL is past the threshold.
    func committed() {
        guard walSize() > Self.threshold else { return }
        let start = state.withLock { s -> Bool in
            guard !s.running else { return false }
            s.running = true
            return true
        }
        guard start else { return }
        queue.async { [self] in
            defer { state.withLock { $0.running = false } }
            do {
                let connection = try state.withLock { s -> DatabaseQueue in
                    if let existing = s.connection { return existing }
                    var configuration = Configuration()
                    configuration.busyMode = .timeout(5)
                    let created = try DatabaseQueue(path: path, configuration: configuration)
                    s.connection = created
                    return created
                }
                try connection.writeWithoutTransaction { try $0.checkpoint(.passive) }
            } catch {
                // A checkpoint that cannot run now runs after a later commit (or at close).
            }
        }
    }

    /// Waits for a checkpoint in progress and closes its connection (before the file moves).
    func close() throws {
        try queue.sync {
            try state.withLock { s in
                try s.connection?.close()
                s.connection = nil
            }
        }
    }

    private func walSize() -> UInt64 {
        var info = stat()
        return stat(path + "-wal", &info) == 0 ? UInt64(info.st_size) : 0
    }
}
