import Foundation
import GRDB
import Synchronization

/// A node's database: the logs it holds, the membership they carry and the materialised view.
///
/// Thread-safe: every access goes through GRDB (one writer, concurrent readers, WAL), and
/// several processes may open the same file (appends serialise on SQLite's write lock and
/// re-read the log head inside their transaction). Values are only readable while unlocked
/// with the keys derived from the passphrase.
public final class HyphaDatabase: Sendable {
    /// A batch (one signature) holds at most this many entries and bytes.
    public static let maxBatchEntries = 4096
    public static let maxBatchBytes = 2 * 1024 * 1024
    /// Logs of writers nobody added are kept aside, within these bounds.
    static let maxUnknownWriters = 64
    static let maxUnknownWriterBlocks: UInt64 = 1024

    public let databaseID: DatabaseID
    let writer: any DatabaseWriter
    let now: @Sendable () -> UInt64
    /// Checkpoints the WAL off the write path (file databases only).
    let checkpointer: Checkpointer?
    private let keys = KeyGate()
    private let observers = Mutex<[UUID: @Sendable (DatabaseChange) -> Void]>([:])
    /// The length of every log this instance has told its observers about (its own commits and
    /// the external ones it noticed); nil until the first external check, which takes the
    /// stored heads as seen.
    let seenHeads = Mutex<[PublicKey: UInt64]>([:])

    /// The folder of the database file (nil in memory), for messages about storage failures.
    public let directory: String?
    /// Opened read-only (read-only media or directory): reads work, every write fails with a
    /// `StorageFailure`.
    public let isReadOnly: Bool

    init(writer: any DatabaseWriter, databaseID: DatabaseID, now: @escaping @Sendable () -> UInt64,
         checkpointer: Checkpointer? = nil, directory: String? = nil, readOnly: Bool = false) throws {
        self.writer = writer
        self.databaseID = databaseID
        self.now = now
        self.checkpointer = checkpointer
        self.directory = directory
        isReadOnly = readOnly
        if readOnly {
            guard try writer.read({ db in try Schema.migrator().hasCompletedMigrations(db) }) else {
                throw StorageFailure(kind: .needsUpgrade, directory: directory ?? "?")
            }
        } else {
            try Schema.migrator().migrate(writer)
            try writer.write { db in try self.runPendingMaintenance(db) }
        }
    }

    /// Opens (creating if needed) the SQLite file at `path` in WAL mode. On read-only media, or
    /// in a folder this process cannot write, it opens the file read-only instead: reading works,
    /// writing fails with one clear line. Storage errors become `StorageFailure`s.
    public static func open(path: String, databaseID: DatabaseID,
                            now: @escaping @Sendable () -> UInt64 = HyphaDatabase.wallClock) throws -> HyphaDatabase {
        let directory = (path as NSString).deletingLastPathComponent
        do {
            if StorageFailure.isUnwritable(directory) && FileManager.default.fileExists(atPath: path) {
                return try openReadOnly(path: path, directory: directory, databaseID: databaseID, now: now)
            }
            var configuration = Configuration()
            configuration.busyMode = .timeout(15)
            configuration.prepareDatabase { db in
                try db.execute(sql: "PRAGMA synchronous = NORMAL")
                try db.execute(sql: "PRAGMA wal_autocheckpoint = 0")   // see Checkpointer
                try db.execute(sql: "PRAGMA journal_size_limit = \(Checkpointer.threshold)")
            }
            let pool = try DatabasePool(path: path, configuration: configuration)
            return try HyphaDatabase(writer: pool, databaseID: databaseID, now: now, checkpointer: Checkpointer(path: path),
                                     directory: directory)
        } catch let error as DatabaseError {
            throw StorageFailure.from(error, directory: directory) ?? error
        }
    }

    /// Read-only media: SQLite reads a WAL database read-only when its shared-memory file is
    /// there; when it is not (the last writer closed cleanly and removed it), the file cannot
    /// change on such media, so it is opened as immutable.
    private static func openReadOnly(path: String, directory: String, databaseID: DatabaseID,
                                     now: @escaping @Sendable () -> UInt64) throws -> HyphaDatabase {
        var configuration = Configuration()
        configuration.readonly = true
        configuration.busyMode = .timeout(15)
        let hasSharedMemory = FileManager.default.fileExists(atPath: path + "-shm")
        let target = hasSharedMemory ? path : "file:\(path.addingPercentEncoding(withAllowedCharacters: .urlPathAllowed) ?? path)?immutable=1"
        let queue = try DatabaseQueue(path: target, configuration: configuration)
        return try HyphaDatabase(writer: queue, databaseID: databaseID, now: now, directory: directory, readOnly: true)
    }

    /// An in-memory database (real SQLite, no file): for simulations and tests.
    public static func inMemory(databaseID: DatabaseID, now: @escaping @Sendable () -> UInt64 = HyphaDatabase.wallClock) throws -> HyphaDatabase {
        try HyphaDatabase(writer: DatabaseQueue(), databaseID: databaseID, now: now)
    }

    public static let wallClock: @Sendable () -> UInt64 = { UInt64(Date().timeIntervalSince1970 * 1000) }

    // MARK: Keys

    /// Makes values readable and writes possible. The keys must belong to this database.
    public func unlock(_ identity: IdentityKeys) throws {
        guard identity.databaseID == databaseID else {
            throw StoreError.wrongDatabase(expected: databaseID.shortHex, found: identity.databaseID.shortHex)
        }
        keys.install(identity)
        do {
            try catchUpView()
        } catch let failure as StorageFailure where [.full, .readOnly, .notWritable].contains(failure.kind) {
            // Reading what the view holds still works; blocks not applied yet wait for space.
        }
    }

    /// Forgets the keys, waiting for any work that uses them (applying the view, signing) to
    /// finish, so the caller may wipe them as soon as this returns.
    public func lock() { keys.lock() }

    public var isUnlocked: Bool { keys.isUnlocked }

    /// Closes the file (every connection; the last one checkpoints the WAL): nothing may use
    /// this instance afterwards. Needed before the file is moved (a succession).
    public func close() throws {
        try checkpointer?.close()
        if let pool = writer as? DatabasePool { try pool.close() }
        if let queue = writer as? DatabaseQueue { try queue.close() }
    }

    /// Runs `body` with the keys; throws `NodeError.locked` when there are none. Locking waits
    /// until `body` returns.
    func withUnlockedKeys<T>(_ body: (IdentityKeys) throws -> T) throws -> T {
        try keys.withKeys { identity in
            guard let identity else { throw NodeError.locked }
            return try body(identity)
        }
    }

    /// Runs `body` with the data key when unlocked (nil when locked): for work that goes on
    /// without keys (storing blocks) and applies the view only when it can.
    func withDataKey<T>(_ body: (SecureBytes?) throws -> T) rethrows -> T {
        try keys.withKeys { try body($0?.dataKey) }
    }

    // MARK: Change notifications

    /// Called after every committed change made through this instance (any thread).
    @discardableResult
    public func observe(_ observer: @escaping @Sendable (DatabaseChange) -> Void) -> UUID {
        let id = UUID()
        observers.withLock { $0[id] = observer }
        return id
    }

    public func removeObserver(_ id: UUID) { _ = observers.withLock { $0.removeValue(forKey: id) } }

    func notify(_ change: DatabaseChange) {
        checkpointer?.committed()
        seenHeads.withLock { seen in
            for head in change.heads { seen[head.writer] = max(seen[head.writer] ?? 0, head.signed.length) }
        }
        notifyObservers(change)
    }

    func notifyObservers(_ change: DatabaseChange) {
        for observer in observers.withLock({ Array($0.values) }) { observer(change) }
    }

    // MARK: View maintenance

    /// Applies whatever is stored but not yet applied (after unlocking, or after another
    /// process stored blocks).
    public func catchUpView() throws {
        guard !isReadOnly else { return }   // shows what the view held when the media was writable
        let applied = try withDataKey { dataKey -> ViewChanges in
            guard let dataKey else { return ViewChanges(count: 0, keys: []) }
            return try storageErrors { try writer.write { db in try self.applyView(db, dataKey: dataKey) } }
        }
        if applied.count > 0 { notify(DatabaseChange(heads: [], viewChanged: true, membershipChanged: true, keys: applied.keys)) }
    }

    /// Runs `body`, turning SQLite's storage errors into `StorageFailure`s naming this database.
    func storageErrors<T>(_ body: () throws -> T) throws -> T {
        do {
            return try body()
        } catch let error as DatabaseError {
            throw StorageFailure.from(error, directory: directory ?? "the database") ?? error
        }
    }

    /// Work left by a migration: re-indexing membership after the derived tables changed shape.
    private func runPendingMaintenance(_ db: Database) throws {
        guard try db.tableExists("pending_maintenance"),
              try String.fetchOne(db, sql: "SELECT task FROM pending_maintenance WHERE task = 'reindex'") != nil else { return }
        _ = try rebuildView(db, dataKey: nil)
        try db.execute(sql: "DELETE FROM pending_maintenance WHERE task = 'reindex'")
    }

    /// Runs the applier, rebuilding the view when a log's counting length changed in a way
    /// that is not monotone; returns what changed (keys nil after a rebuild: anything may have).
    @discardableResult
    func applyView(_ db: Database, dataKey: SecureBytes, preloaded: (writerID: Int64, start: UInt64, blocks: [[UInt8]])? = nil) throws -> ViewChanges {
        var applier = try ViewApplier(db, database: databaseID, dataKey: dataKey)
        switch try applier.run(preloaded: preloaded) {
        case let .applied(count): return ViewChanges(count: count, keys: applier.changedKeys)
        case .needsRebuild: return ViewChanges(count: try rebuildView(db, dataKey: dataKey), keys: nil)
        }
    }

}

/// What a committed change touched; observers use it to push heads and refresh screens.
public struct DatabaseChange: Sendable {
    /// Logs that grew (new signed heads).
    public var heads: [LogHead]
    public var viewChanged: Bool
    public var membershipChanged: Bool
    /// Keys whose current versions may have changed; nil when not known (anything may have).
    public var keys: [String]? = nil
}

/// What applying the view changed.
struct ViewChanges {
    var count: Int
    /// nil after a rebuild.
    var keys: [String]?
}
