import Foundation
import HyphaEngine

/// This database's files on this device, deleted when a revoked device lets them go.
enum LocalData {
    /// config.json first: without it the directory no longer holds a node, so a removal cut
    /// short never leaves a config pointing at a half-deleted database.
    static let files = ["config.json", "hypha.sqlite", "hypha.sqlite-wal", "hypha.sqlite-shm", "hypha.log", ".config.json.tmp"]

    /// Deletes the files that exist; the directory itself stays (it may hold other things).
    static func remove(in directory: DataDirectory) throws {
        for name in files {
            let path = directory.url.appendingPathComponent(name).path
            guard unlink(path) == 0 || errno == ENOENT else {
                throw BackendError(description: "could not delete \(path): \(String(cString: strerror(errno)))")
            }
        }
    }
}
