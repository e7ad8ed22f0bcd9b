import Foundation

/// A node's data directory: `config.json` and `hypha.sqlite` (+ WAL files), `hypha.log`.
/// The directory is 0700 and every file 0600; nothing in it is secret.
public struct DataDirectory: Sendable {
    public let url: URL

    public init(_ url: URL) { self.url = url.standardizedFileURL }

    public var configURL: URL { url.appendingPathComponent("config.json") }
    public var databasePath: String { url.appendingPathComponent("hypha.sqlite").path }

    /// Where a predecessor database (one this node moved away from) is kept.
    public func predecessorPath(_ id: DatabaseID) -> String { url.appendingPathComponent("predecessor-\(id.hex).sqlite").path }

    /// Where a successor is made before it becomes the current database.
    public func successorPath(_ id: DatabaseID) -> String { url.appendingPathComponent("successor-\(id.hex).sqlite").path }

    /// Opens every other database this node serves: the predecessors it keeps (frozen) and
    /// the successors an always-on node follows.
    public func openOtherDatabases(config: NodeConfig) throws -> [HyphaDatabase] {
        let paths = config.predecessorIDs.map { ($0, predecessorPath($0)) } + config.successorIDs.map { ($0, successorPath($0)) }
        return try paths.filter { FileManager.default.fileExists(atPath: $0.1) }
            .map { try HyphaDatabase.open(path: $0.1, databaseID: $0.0) }
    }

    /// Makes the successor (made at `successorPath`, closed) the current database: the current
    /// files become the predecessor's, the successor's become current, and the config names it
    /// (with `domain` and this device's key there), the old one first among its predecessors.
    /// The databases must be closed.
    public func moveToSuccessor(_ successor: DatabaseID, domain: String?, deviceKey: PublicKey?, config: inout NodeConfig) throws {
        guard let old = config.databaseID else { throw DataDirectoryError.badConfig(configURL.path, "database id") }
        for suffix in ["", "-wal", "-shm"] {
            try Self.move(databasePath + suffix, to: predecessorPath(old) + suffix)
            try Self.move(successorPath(successor) + suffix, to: databasePath + suffix)
        }
        config.predecessors = [old.hex] + (config.predecessors ?? []).filter { $0 != old.hex }
        config.database = successor.hex
        if let domain { config.domain = domain }
        config.deviceKey = deviceKey?.hex
        try save(config)
    }

    private static func move(_ from: String, to: String) throws {
        guard FileManager.default.fileExists(atPath: from) else { return }
        guard rename(from, to) == 0 else { throw DataDirectoryError.cannotCreate(to, String(cString: strerror(errno))) }
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
        let database = try HyphaDatabase.open(path: databasePath, databaseID: id, now: now)
        for name in ["hypha.sqlite", "hypha.sqlite-wal", "hypha.sqlite-shm"] {
            try? FileManager.default.setAttributes([.posixPermissions: 0o600], ofItemAtPath: url.appendingPathComponent(name).path)
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
