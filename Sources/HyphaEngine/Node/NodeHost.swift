import Foundation
import Logging
import Synchronization

/// Every database one data directory serves, on one listener (docs/PROTOCOL.md, "Succession"):
///
/// - the current database: its runtime holds the keys, the control socket and the listener;
/// - the predecessors this device moved away from: kept frozen and served without keys, so
///   that devices which have not followed yet hear of the succession from this node and their
///   late writes still reach it;
/// - on an always-on node, the successors it follows by itself: when its databases show one
///   verified succession (never two: that is a compromise signal), it makes an empty database
///   for the successor's id, serves it beside the others (still blind) and remembers it in the
///   config.
///
/// Every hosted runtime dials the same peers as the current one.
public final class NodeHost: Sendable {
    public let current: NodeRuntime
    private let directory: DataDirectory
    private let options: NodeRuntime.Options
    private let logger: Logger
    private let state = Mutex(State())

    private struct State {
        var hosted: [DatabaseID: NodeRuntime] = [:]
        /// Successors being followed (claimed before the database is opened).
        var following: Set<DatabaseID> = []
        var started = false
        var stopped = false
    }

    /// `database` is the current database (unlocked with `keys` on a full node).
    public init(directory: DataDirectory, config: NodeConfig, database: HyphaDatabase, keys: IdentityKeys?,
                options: NodeRuntime.Options, logger: Logger = Logger(label: "hypha.node")) throws {
        self.directory = directory
        self.options = options
        self.logger = logger
        current = NodeRuntime(config: config, database: database, keys: keys, options: options, logger: logger)
        watchForSuccession(current)
        for other in try directory.openOtherDatabases(config: config) { add(other) }
    }

    /// The databases served beside the current one.
    public var hostedDatabases: [DatabaseID] { state.withLock { Array($0.hosted.keys) } }

    /// Starts the current runtime (listener, peers, control socket), then the hosted ones.
    @discardableResult
    public func start() async throws -> String? {
        let bound = try await current.start()
        let hosted = state.withLock { s -> [NodeRuntime] in
            s.started = true
            return Array(s.hosted.values)
        }
        for runtime in hosted { try await runtime.start() }
        return bound
    }

    /// Stops every runtime and closes the hosted databases (the current one stays open for
    /// the owner).
    public func stop() async {
        let hosted = state.withLock { s -> [NodeRuntime] in
            s.stopped = true
            return Array(s.hosted.values)
        }
        await current.stop()
        for runtime in hosted {
            await runtime.stop()
            try? runtime.database.close()
        }
    }

    // MARK: Hosting

    @discardableResult
    private func add(_ database: HyphaDatabase) -> NodeRuntime {
        var config = current.config
        config.database = database.databaseID.hex
        var hostedOptions = options
        hostedOptions.listen = nil
        hostedOptions.serveControlSocket = false
        hostedOptions.network.flags.remove(.writable)
        hostedOptions.network.eventLoopThreads = 1
        let runtime = NodeRuntime(config: config, database: database, keys: nil, options: hostedOptions, logger: logger)
        current.host(runtime)
        state.withLock { $0.hosted[database.databaseID] = runtime }
        watchForSuccession(runtime, hosted: true)
        return runtime
    }

    /// Conflicting successions of a hosted database are told by the current runtime too (the
    /// person must hear of them); an always-on node follows a single verified succession of any
    /// database it serves.
    private func watchForSuccession(_ runtime: NodeRuntime, hosted: Bool = false) {
        let current = self.current
        runtime.observe { [weak self] event in
            guard case let .succession(status) = event else { return }
            if hosted && status.isConflicting { current.queue.async { current.emit(event) } }
            guard current.config.role == .alwaysOn, !status.isConflicting else { return }
            // Leave the runtime's queue: following opens a database and starts a runtime.
            Task.detached { await self?.follow(status.candidates[0].successor) }
        }
    }

    private func follow(_ successor: DatabaseID) async {
        let claimed = state.withLock { s -> Bool in
            guard !s.stopped, s.hosted[successor] == nil, successor != current.database.databaseID else { return false }
            return s.following.insert(successor).inserted
        }
        guard claimed else { return }
        do {
            var config = try directory.loadConfig()
            let database = try directory.open(successor, config: config)
            if !config.successorIDs.contains(successor) {
                config.successors = (config.successors ?? []) + [successor.hex]
                try directory.save(config)
            }
            let runtime = add(database)
            if state.withLock({ $0.started }) { try await runtime.start() }
            current.emit(.notice("following the successor database \(successor.hex): serving it beside \(current.database.databaseID.shortHex)…"))
        } catch {
            logger.error("cannot follow the successor \(successor.shortHex): \(error)")
            current.emit(.notice("cannot follow the successor database \(successor.shortHex)…: \(error)"))
        }
    }
}
