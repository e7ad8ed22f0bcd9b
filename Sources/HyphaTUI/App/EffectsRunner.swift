import Dispatch
import Foundation
import HyphaEngine
import Synchronization

/// Executes commands against the engine and the node backend on its own serial queue and
/// posts the results back as messages. It owns the open database and, while unlocked, the
/// keys; the model never sees either.
///
/// @unchecked Sendable: every mutable property is touched only on `queue` (or, in the
/// benchmark, by one thread that calls `perform` directly and never `submit`).
final class EffectsRunner: @unchecked Sendable {
    let queue = DispatchQueue(label: "hypha.effects", qos: .userInitiated)
    private let directory: DataDirectory
    private let backend: any NodeBackend
    private let environment: [String: String]
    private let post: @Sendable (Message) -> Void
    private var config: NodeConfig?
    private var database: HyphaDatabase?
    private var keys: IdentityKeys?
    private var observer: UUID?
    /// The entry-index generation of the last command submitted: queued reads for older
    /// generations (a filter typed quickly) are skipped instead of run for nothing.
    private let latestGeneration = Mutex(0)
    /// A follow fetching the successor: Esc (and quitting) cancel it from the main queue.
    private let following = CancellableRun()

    init(directory: DataDirectory, backend: any NodeBackend, environment: [String: String],
         post: @escaping @Sendable (Message) -> Void) {
        self.directory = directory
        self.backend = backend
        self.environment = environment
        self.post = post
        backend.setEventHandler { event in
            // Changes go in as the same message as in-process ones, so the inbox merges them.
            if case let .databaseChanged(membership) = event {
                post(.databaseChanged(membership: membership))
            } else {
                post(.backend(event))
            }
        }
    }

    /// Runs `command` on the effects queue; its results arrive through `post`.
    func submit(_ command: Command) {
        switch command {
        case .cancelFollow:
            following.cancel()
            return
        case .follow:
            following.reset()
        default:
            break
        }
        let generation = command.indexGeneration
        if let generation { latestGeneration.withLock { $0 = generation } }
        queue.async {
            if let generation, generation < self.latestGeneration.withLock({ $0 }) { return }
            for message in self.perform(command) { self.post(message) }
        }
    }

    /// Locks and wipes the keys before the process exits (waits for running commands; a
    /// follow still fetching is stopped first).
    func shutdown() {
        following.cancel()
        queue.sync { wipeKeys() }
    }

    /// Runs one command now and returns its results.
    func perform(_ command: Command) -> [Message] {
        switch command {
        case .openNode: return openNode()
        case let .unlock(secret): return unlock(secret)
        case .generatePassphrase: return generatePassphrase()
        case let .createNode(domain, name, secret): return createNode(domain: domain, name: name, secret: secret)
        case let .join(domain, secret, peer, name): return join(domain: domain, secret: secret, peer: peer, name: name)
        case .abandonJoin: return [.joinAbandoned(failure: releaseNode(removingIfNeverSynced: true))]
        case .startOver:
            guard let database, (try? database.heads())?.isEmpty == true else {
                return [.unlockFailed("This node holds data from a peer: it is not started over.")]
            }
            if let failure = releaseNode(removingIfNeverSynced: true) { return [.unlockFailed("Could not start over: \(failure)")] }
            return [.nodeMissing]
        case let .loadPage(generation, prefix, page, after):
            return reading { db in
                let rows = try db.list(prefix: prefix, after: after, limit: EntriesIndex.pageSize, values: true)
                return [.pageLoaded(PageResult(generation: generation, page: page, after: after, rows: rows))]
            }
        case let .count(generation, prefix):
            return reading { db in [.counted(generation: generation, prefix: prefix, count: try db.count(prefix: prefix))] }
        case let .scanKeys(generation, scanGeneration, prefix, after, scanned):
            return reading { db in
                let keys = try db.list(prefix: prefix, after: after, limit: EntriesIndex.scanChunk, values: false).map(\.key)
                return [.keysScanned(KeyScan(generation: generation, scanGeneration: scanGeneration,
                                             anchors: EntriesIndex.anchors(in: keys, scannedBefore: scanned),
                                             lastKey: keys.last ?? after, scanned: scanned + keys.count,
                                             done: keys.count < EntriesIndex.scanChunk))]
            }
        case let .search(generation, query, after, scanned):
            return reading { db in
                let chunk = try db.list(prefix: "", after: after, limit: SearchState.chunk, values: true)
                let needle = SearchState.fold(query)
                let matches = chunk.filter { SearchState.matches($0, needle: needle) }
                return [.searched(SearchStep(generation: generation, matches: matches, lastKey: chunk.last?.key ?? after,
                                             scanned: scanned + chunk.count, done: chunk.count < SearchState.chunk))]
            }
        case let .loadEntry(key):
            return reading { db in [.entryLoaded(key: key, detail: try db.entry(key))] }
        case let .loadHistory(key):
            // A failure is the history view's to show (it would otherwise say "Loading…" forever).
            guard let database = try? requireDatabase() else { return [] }
            do {
                return [.historyLoaded(key: key, versions: try database.history(key))]
            } catch NodeError.locked {
                return []
            } catch {
                return [.historyLoaded(key: key, versions: [], failure: Self.describe(error))]
            }
        case let .loadDeleted(generation, after):
            return reading { db in
                let keys = try db.deletedKeys(after: after, limit: DeletedList.chunk)
                return [.deletedLoaded(DeletedStep(generation: generation, keys: keys, done: keys.count < DeletedList.chunk))]
            }
        case .loadNodes:
            return reading { db in [self.nodes(db)] }
        case .loadPeers:
            return [.peersLoaded(backend.peers(), listen: backend.listenAddress)]
        case .loadRequests:
            return [.requestsLoaded(backend.pendingRequests())]
        case let .checkRequest(id):
            let outcome = backend.requestOutcome(id: id)
            return outcome == .pending ? [] : [.requestClosed(id: id, outcome)]
        case let .write(changes, kind):
            return act(kind) { try self.requireDatabase().write(changes) }
        case let .authorise(id, name):
            return act(.authorised(requestID: id, name: name), describe: { DecisionFailure.describe($0, name: name, approving: true) }) {
                try self.backend.authorise(requestID: id)
            }
        case let .deny(id, name):
            return act(.denied(requestID: id, name: name), describe: { DecisionFailure.describe($0, name: name, approving: false) }) {
                try self.backend.deny(requestID: id)
            }
        case let .revoke(writer, name):
            return act(.revoked(name: name)) {
                guard let key = PublicKey(hex: writer) else { throw NodeError.noSuchNode(writer) }
                try self.backend.revoke(writer: key)
            }
        case .removeLocalData:
            return [.localDataRemoved(failure: removeLocalData())]
        case .loadSuccession:
            return reading { db in [.successionLoaded(SuccessionNews.from(try db.successionStatus()))] }
        case let .changePassphrase(domain, secret):
            return changePassphrase(domain: domain, secret: secret)
        case let .follow(secret):
            return follow(secret)
        case .cancelFollow:
            following.cancel()
            return []
        case .lock:
            wipeKeys()
            return [.locked]
        case .quit:
            wipeKeys()
            return []
        }
    }

    // MARK: Node lifecycle

    private func openNode() -> [Message] {
        guard directory.exists else { return [.nodeMissing] }
        do {
            let config = try directory.loadConfig()
            LogSetup.bootstrap(file: directory.logURL)
            let database = try directory.openDatabase(config: config)
            self.database = database
            self.config = config
            var summary = summary(config)
            summary.neverSynced = (try? database.heads())?.isEmpty ?? false
            return [.nodeOpened(summary)]
        } catch {
            return [.nodeFailed(Self.describe(error))]
        }
    }

    private func unlock(_ secret: SecretText) -> [Message] {
        guard let config, let database, let domain = config.domain else {
            secret.wipe()
            return [.unlockFailed("This node has no domain in its config, so no keys can be derived.")]
        }
        do {
            let passphrase = try secret.take()
            defer { passphrase.wipe() }
            let derived = try Identity.derive(passphrase: passphrase, domain: domain, deviceID: config.device)
            guard derived.databaseID == database.databaseID else {
                let found = derived.databaseID.hex
                derived.wipe()
                return [.unlockFailed(UnlockScreen.wrongPassphrase(derived: found, expected: database.databaseID.hex))]
            }
            try install(OpenNode(directory: directory, config: config, database: database, keys: derived), startBackend: true)
            return [.unlocked(unlockedNode())]
        } catch {
            return [.unlockFailed(UnlockScreen.describe(error))]
        }
    }

    private func generatePassphrase() -> [Message] {
        do {
            let secret = try Passphrase.generate()
            defer { secret.wipe() }
            let words = secret.withUnsafeBytes { String(decoding: $0, as: UTF8.self) }.split(separator: " ").map(String.init)
            var positions = Array(words.indices)
            positions.shuffle()
            return [.passphraseGenerated(words: words, confirm: positions.prefix(3).sorted())]
        } catch {
            return [.passphraseGenerationFailed(Self.describe(error))]
        }
    }

    private func createNode(domain: String, name: String, secret: SecretText) -> [Message] {
        do {
            let typed = try secret.take()
            defer { typed.wipe() }
            let canonical = try Passphrase.canonicalise(typed)
            defer { canonical.wipe() }
            let node = try NodeCreation.create(in: directory, domain: domain, nodeName: name, passphrase: canonical)
            try install(node, startBackend: true)
            return [.nodeCreated(unlockedNode())]
        } catch {
            return [.createFailed(Self.describe(error))]
        }
    }

    private func join(domain: String, secret: SecretText, peer: String, name: String) -> [Message] {
        do {
            let passphrase = try secret.take()
            let node = try backend.join(JoinRequest(directory: directory, domain: domain, passphrase: passphrase,
                                                    peer: peer, nodeName: name))
            try install(node, startBackend: false)
            // Status events may have reached the app before it switched to the waiting
            // screen (and been dropped there): hand over where the join stands now.
            return [.joinStarted(unlockedNode())] + (backend.joinStatus.map { [.backend(.joinStatus($0))] } ?? [])
        } catch {
            return [.joinFailed(Self.describe(error))]
        }
    }

    /// Takes over a node whose keys were derived elsewhere (the benchmark skips Argon2id this
    /// way) and reports it as unlocked.
    func adopt(_ node: OpenNode) throws -> Message {
        try install(node, startBackend: true)
        return .unlocked(unlockedNode())
    }

    /// Keeps an unlocked node, follows its changes and (unless already running) starts the backend.
    private func install(_ node: OpenNode, startBackend: Bool) throws {
        config = node.config
        database = node.database
        try node.database.unlock(node.keys)
        keys = node.keys
        let post = self.post
        observer = node.database.observe { change in
            guard change.viewChanged || change.membershipChanged else { return }
            post(.databaseChanged(membership: change.membershipChanged))
        }
        if startBackend { try backend.start(node) }
    }

    private func wipeKeys() {
        backend.stop()
        if let observer { database?.removeObserver(observer) }
        observer = nil
        database?.lock()
        keys?.wipe()
        keys = nil
    }

    private func summary(_ config: NodeConfig) -> NodeSummary {
        NodeSummary(databaseID: config.database, domain: config.domain, nodeName: config.nodeName,
                    isAlwaysOn: config.role == .alwaysOn,
                    lockAfter: IdleLock.seconds(configMinutes: config.lockAfterMinutes, environment: environment))
    }

    private func unlockedNode() -> UnlockedNode {
        let device = keys?.device?.publicKey
        let writable = device.flatMap { try? database?.status(of: $0) } == .authorised
        return UnlockedNode(summary: config.map(summary) ?? NodeSummary(databaseID: "", domain: nil, nodeName: "",
                                                                         isAlwaysOn: false, lockAfter: 900),
                            deviceKey: device?.hex ?? "", writable: writable)
    }

    // MARK: Succession

    /// Changes the passphrase: checks that this node may (an authorised writer of a database
    /// that has not moved), derives the new keys, then stops the node, makes the successor
    /// and opens the node on it.
    private func changePassphrase(domain: String, secret: SecretText) -> [Message] {
        guard let database, let keys, let config else {
            secret.wipe()
            return [.successionFailed(NodeError.locked.description)]
        }
        do {
            try SuccessionSteps.checkMayRekey(database, keys: keys)
            post(.successionProgress(.derivingKeys))
            let newKeys = try SuccessionSteps.deriveNewKeys(secret, domain: domain, device: config.device, current: database.databaseID)
            post(.successionProgress(.copying(copied: 0, of: 0)))
            let directory = self.directory
            return moveToSuccessor(newKeys: newKeys) { [self] config in
                // A large database: the copy's progress, at most ten times a second.
                var lastPost = Date()
                let record = try NodeSuccession.rekey(directory: directory, config: &config, current: database, newKeys: newKeys) { copied, total in
                    guard copied < total, Date().timeIntervalSince(lastPost) >= 0.1 else { return }
                    lastPost = Date()
                    post(.successionProgress(.copying(copied: copied, of: total)))
                }
                return SuccessionSteps.rekeyed(record.successor, from: database.databaseID)
            }
        } catch {
            secret.wipe()
            return [.successionFailed(Self.describe(error))]
        }
    }

    /// Follows the succession: derives the keys of the successor the passphrase belongs to
    /// (which chooses among conflicting successions), then stops the node, fetches the
    /// successor from the configured peers with a node of its own (cancellable), carries over
    /// this device's late writes and opens the node on it.
    private func follow(_ secret: SecretText) -> [Message] {
        guard let database, keys != nil, let config else {
            secret.wipe()
            return [.successionFailed(NodeError.locked.description)]
        }
        do {
            let status = try database.successionStatus()
            guard !status.candidates.isEmpty else { throw BackendError(description: "this database has not moved to a new passphrase") }
            post(.successionProgress(.derivingKeys))
            let newKeys = try SuccessionSteps.successorKeys(secret, status: status, device: config.device)
            let (peers, network) = SuccessionSteps.followPeers(saved: (try? directory.loadConfig()) ?? config)
            let directory = self.directory, post = self.post, following = self.following
            return moveToSuccessor(newKeys: newKeys) { config in
                let start = config
                let (carried, moved) = try following.run {
                    var config = start
                    let carried = try await NodeSuccession.follow(directory: directory, config: &config, current: database,
                                                                  newKeys: newKeys, peers: peers, network: network,
                                                                  timeout: SuccessionSteps.followTimeout) { progress in
                        if case let .fetching(have, of) = progress { post(.successionProgress(.fetching(have: have, of: of))) }
                    }
                    return (carried, config)
                }
                config = moved
                return SuccessionSteps.followed(newKeys.databaseID, carried: carried)
            }
        } catch {
            secret.wipe()
            return [.successionFailed(SuccessionSteps.describe(error))]
        }
    }

    /// Stops the node (the succession closes the database), runs `move`, which moves the data
    /// directory to the successor and returns the notice to show, and opens the node on the
    /// successor with `newKeys`. When `move` fails the node opens again on whatever the
    /// directory holds (the old database, nothing lost), and the reason is returned.
    private func moveToSuccessor(newKeys: IdentityKeys, _ move: (inout NodeConfig) throws -> String) -> [Message] {
        guard let database, let oldKeys = keys, var config else {
            newKeys.wipe()
            return [.successionFailed(NodeError.locked.description)]
        }
        backend.shutdown()   // its runtime locks the database as it stops: the succession needs the old keys again
        if let observer { database.removeObserver(observer) }
        observer = nil
        let notice: String
        do {
            try database.unlock(oldKeys)
            notice = try move(&config)
        } catch {
            return reopen(keys: [oldKeys, newKeys], failure: SuccessionSteps.describe(error))
        }
        post(.successionProgress(.reopening))
        oldKeys.wipe()
        keys = nil
        self.database = nil
        do {
            let successor = try directory.openDatabase(config: config)
            try install(OpenNode(directory: directory, config: config, database: successor, keys: newKeys), startBackend: true)
            return [.movedToSuccessor(unlockedNode(), notice: notice)]
        } catch {
            newKeys.wipe()
            return [.nodeFailed("The new database is in place but could not be opened: \(Self.describe(error))")]
        }
    }

    /// After a failed succession: closes the database (it may be half-way) and opens the
    /// directory's current one again with whichever of `keys` it belongs to.
    private func reopen(keys candidates: [IdentityKeys], failure: String) -> [Message] {
        try? database?.close()
        database = nil
        keys = nil
        do {
            let config = try directory.loadConfig()
            guard let keys = candidates.first(where: { $0.databaseID == config.databaseID }) else {
                throw BackendError(description: "the data directory names database \(config.database.prefix(8))…, which neither passphrase derives")
            }
            for other in candidates where other !== keys { other.wipe() }
            let reopened = try directory.openDatabase(config: config)
            try install(OpenNode(directory: directory, config: config, database: reopened, keys: keys), startBackend: true)
            if keys === candidates.last {
                return [.movedToSuccessor(unlockedNode(), notice: failure)]
            }
            return [.successionFailed(failure), .backend(.peersChanged), .databaseChanged(membership: true)]
        } catch {
            for keys in candidates { keys.wipe() }
            return [.nodeFailed("\(failure); the node could not be opened again: \(Self.describe(error))")]
        }
    }

    // MARK: Reads and actions

    private func requireDatabase() throws -> HyphaDatabase {
        guard let database, keys != nil else { throw NodeError.locked }
        return database
    }

    /// A read for the main screen. Reads racing an idle lock find no keys and are dropped.
    private func reading(_ body: (HyphaDatabase) throws -> [Message]) -> [Message] {
        guard let database = try? requireDatabase() else { return [] }
        do {
            return try body(database)
        } catch NodeError.locked {
            return []
        } catch {
            return [.failed(Self.describe(error))]
        }
    }

    private func act(_ kind: ActionResult.Kind, describe: (any Error) -> String = EffectsRunner.describe,
                     _ body: () throws -> Void) -> [Message] {
        do {
            try body()
            return [.actionDone(ActionResult(kind: kind, failure: nil))]
        } catch {
            return [.actionDone(ActionResult(kind: kind, failure: describe(error)))]
        }
    }

    private func nodes(_ database: HyphaDatabase) -> Message {
        let own = keys?.device?.publicKey
        guard let writers = try? database.writers() else { return .nodesLoaded([], writable: false) }
        let names = Dictionary(writers.map { ($0.key, $0.name) }, uniquingKeysWith: { a, _ in a })
        let rows = writers.map { writer -> NodeRow in
            let status: NodeRow.Status
            switch writer.status {
            case .authorised: status = .authorised
            case .removed: status = .revoked
            case .unknown: status = .unknown
            }
            return NodeRow(name: writer.name.map { Sanitise.forTerminal($0, limit: 40) } ?? writer.key.shortHex,
                           key: writer.key.hex, status: status, isThisNode: writer.key == own, requestID: nil,
                           forkedAt: writer.forkedAt,
                           addedBy: writer.addedBy.flatMap { $0 == writer.key ? nil : $0 }.map { key in
                               (names[key] ?? nil).map { Sanitise.forTerminal($0, limit: 40) } ?? key.shortHex
                           })
        }
        var revocation: Revocation?
        if let own, case let .revoked(by, on)? = try? database.revocation(of: own) {
            revocation = Revocation(by: Sanitise.forTerminal(by, limit: 40), on: Sanitise.forTerminal(on, limit: 20))
        }
        let writable = revocation == nil && writers.contains { $0.key == own && $0.status == .authorised && $0.forkedAt == nil }
        return .nodesLoaded(rows, writable: writable, revocation: revocation)
    }

    /// Stops the backend, wipes the keys and lets go of the database; when it never received
    /// anything from a peer, deletes its files too. Returns why not, if they could not go.
    private func releaseNode(removingIfNeverSynced: Bool) -> String? {
        let neverSynced = database.flatMap { try? $0.heads() }?.isEmpty ?? false
        backend.shutdown()
        wipeKeys()
        database = nil
        config = nil
        guard removingIfNeverSynced, neverSynced else { return nil }
        do {
            try LocalData.remove(in: directory)
            return nil
        } catch {
            return Self.describe(error)
        }
    }

    /// Deletes this database's files from the device once it was revoked: the network stops,
    /// the keys are wiped and the database let go first. Returns why not, if it could not.
    private func removeLocalData() -> String? {
        guard let database, let own = keys?.device?.publicKey else { return NodeError.locked.description }
        // Checked here as well as in the model: nothing must ever delete a working node's data.
        guard (try? database.revocation(of: own)) != nil else { return "this device is not revoked; its data stays" }
        backend.shutdown()
        wipeKeys()
        self.database = nil
        config = nil
        do {
            try LocalData.remove(in: directory)
            return nil
        } catch {
            return Self.describe(error)
        }
    }

    static func describe(_ error: any Error) -> String {
        switch error {
        case let failure as any UserFacingError: return failure.description
        case let failure as OperationalFailure: return failure.message
        default: return "\(error)"
        }
    }
}

extension Command {
    /// The entry-index generation an index read belongs to.
    var indexGeneration: Int? {
        switch self {
        case let .loadPage(generation, _, _, _), let .count(generation, _), let .scanKeys(generation, _, _, _, _),
             let .search(generation, _, _, _), let .loadDeleted(generation, _):
            return generation
        default:
            return nil
        }
    }
}
