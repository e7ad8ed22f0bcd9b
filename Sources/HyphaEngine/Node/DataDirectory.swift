import Foundation

/// A node's data directory: `config.json` and `hypha.sqlite` (+ WAL files), `hypha.log`;
/// after a change of passphrase also `successor-ID.sqlite` (see `databasePath(of:config:)`).
/// The directory is 0700 and every file 0600; nothing in it is secret.
public struct DataDirectory: Sendable {
    public let url: URL

    public init(_ url: URL) { self.url = url.standardizedFileURL }

    public var configURL: URL { url.appendingPathComponent("config.json") }
    /// The file of database `id`: the database this directory was made with is in
    /// `hypha.sqlite`; every successor made here (by a change of passphrase, a follow, or an
    /// always-on node following) is in `successor-ID.sqlite` for good, so that moving to it is
    /// one atomic write of the config and a crash leaves the directory on one side or the other.
    public func databasePath(of id: DatabaseID, config: NodeConfig) -> String {
        id.hex == (config.origin ?? config.database) ? url.appendingPathComponent("hypha.sqlite").path : successorPath(id)
    }

    /// Where a successor of this directory's database is made and kept.
    public func successorPath(_ id: DatabaseID) -> String { url.appendingPathComponent("successor-\(id.hex).sqlite").path }

    /// Opens every other database this node serves: the predecessors it keeps (frozen) and
    /// the successors an always-on node follows.
    public func openOtherDatabases(config: NodeConfig) throws -> [HyphaDatabase] {
        try (config.predecessorIDs + config.successorIDs).filter { FileManager.default.fileExists(atPath: databasePath(of: $0, config: config)) }
            .map { try open($0, config: config) }
    }

    /// Makes the successor (made at `successorPath`, closed) the current database, in one
    /// atomic write of the config: it names the successor (with `domain` and this device's key
    /// there), the old one first among its predecessors. The databases must be closed.
    public func moveToSuccessor(_ successor: DatabaseID, domain: String?, deviceKey: PublicKey?, config: inout NodeConfig) throws {
        guard let old = config.databaseID else { throw DataDirectoryError.badConfig(configURL.path, "database id") }
        var moved = config
        if moved.origin == nil { moved.origin = old.hex }
        moved.predecessors = [old.hex] + (config.predecessors ?? []).filter { $0 != old.hex }
        moved.database = successor.hex
        if let domain { moved.domain = domain }
        moved.deviceKey = deviceKey?.hex
        try save(moved)
        config = moved
    }

    /// Deletes the files of database `id` (a predecessor the person no longer wants).
    public func removeDatabaseFiles(_ id: DatabaseID, config: NodeConfig) throws {
        let path = databasePath(of: id, config: config)
        for suffix in ["", "-wal", "-shm"] where FileManager.default.fileExists(atPath: path + suffix) {
            do {
                try FileManager.default.removeItem(atPath: path + suffix)
            } catch {
                throw DataDirectoryError.cannotCreate(path + suffix, error.localizedDescription)
            }
        }
    }

    public var logURL: URL { url.appendingPathComponent("hypha.log") }

    public var exists: Bool { FileManager.default.fileExists(atPath: configURL.path) }

    /// Creates the directory (0700) and writes the first config; refuses to overwrite a node.
    public func create(config: NodeConfig) throws {
        if exists { throw DataDirectoryError.alreadyExists(url.path) }
        do {
            try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true,
                                                    attributes: [.posixPermissions: 0o700])
            try FileManager.default.setAttributes([.posixPermissions: 0o700], ofItemAtPath: url.path)
        } catch {
            throw DataDirectoryError.cannotCreate(url.path, error.localizedDescription)
        }
        try save(config)
    }

    public func loadConfig() throws -> NodeConfig {
        guard exists else { throw DataDirectoryError.missing(url.path) }
        do {
            let config = try JSONDecoder().decode(NodeConfig.self, from: Data(contentsOf: configURL))
            guard config.version == 1, config.databaseID != nil else { throw DataDirectoryError.badConfig(configURL.path, "unknown version or database id") }
            return config
        } catch let error as DataDirectoryError {
            throw error
        } catch {
            throw DataDirectoryError.badConfig(configURL.path, "\(error)")
        }
    }

    /// Writes the config atomically (temporary file, fsync, rename), mode 0600.
    public func save(_ config: NodeConfig) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        let data = try encoder.encode(config)
        let temporary = url.appendingPathComponent(".config.json.tmp")
        guard FileManager.default.createFile(atPath: temporary.path, contents: data, attributes: [.posixPermissions: 0o600]),
              let handle = FileHandle(forWritingAtPath: temporary.path) else {
            throw DataDirectoryError.cannotCreate(temporary.path, "cannot write")
        }
        try handle.synchronize()
        try handle.close()
        guard rename(temporary.path, configURL.path) == 0 else {
            throw DataDirectoryError.cannotCreate(configURL.path, String(cString: strerror(errno)))
        }
    }

    /// Opens the node database for this directory's database id.
    public func openDatabase(config: NodeConfig, now: @escaping @Sendable () -> UInt64 = HyphaDatabase.wallClock) throws -> HyphaDatabase {
        guard let id = config.databaseID else { throw DataDirectoryError.badConfig(configURL.path, "database id") }
        return try open(id, config: config, now: now)
    }

    /// Opens (or creates) database `id` in its file, which is this user's only (0600).
    public func open(_ id: DatabaseID, config: NodeConfig, now: @escaping @Sendable () -> UInt64 = HyphaDatabase.wallClock) throws -> HyphaDatabase {
        let path = databasePath(of: id, config: config)
        let database = try HyphaDatabase.open(path: path, databaseID: id, now: now)
        for suffix in ["", "-wal", "-shm"] {
            try? FileManager.default.setAttributes([.posixPermissions: 0o600], ofItemAtPath: path + suffix)
        }
        return database
    }
}

public enum DataDirectoryError: UserFacingError, Equatable {
    case missing(String)
    case alreadyExists(String)
    case cannotCreate(String, String)
    case badConfig(String, String)

    public var description: String {
        switch self {
        case let .missing(path): return "no Hypha node in \(path): create one with `hypha new` or `hypha join`"
        case let .alreadyExists(path): return "\(path) already holds a Hypha node; use another --data-dir"
        case let .cannotCreate(path, why): return "cannot create \(path): \(why)"
        case let .badConfig(path, why): return "\(path) is not a valid node config (\(why))"
        }
    }
}
