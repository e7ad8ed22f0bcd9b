import Foundation
import Logging

/// Changing the passphrase of the database in a data directory, and following such a change
/// made on another device (docs/PROTOCOL.md, "Succession"). Shared by `hypha rekey`/`follow`
/// and the app. Both end with the successor as the directory's current database and the old
/// one kept beside it, frozen (`DataDirectory.moveToSuccessor`, one atomic write of the config);
/// both need every other user of
/// the old database closed, since they close it.
public enum NodeSuccession {
    /// Makes the successor of `current` (unlocked with the old keys) with `newKeys` (derived
    /// with this node's device id), appends the succession, and moves the directory to it.
    public static func rekey(directory: DataDirectory, config: inout NodeConfig, current: HyphaDatabase,
                             newKeys: IdentityKeys,
                             progress: (_ copied: Int, _ of: Int) -> Void = { _, _ in }) throws -> MembershipOperation.Succession {
        guard newKeys.databaseID != current.databaseID else {
            throw NodeError.invalidKey("the new passphrase and domain derive this same database: choose another passphrase")
        }
        if let frozen = try current.successionStatus().candidates.first {
            throw NodeError.moved(to: frozen.successor.shortHex, on: frozen.day, by: frozen.by)
        }
        try refuseKnown(newKeys.databaseID, config: config)
        let path = directory.successorPath(newKeys.databaseID)
        try removeLeftover(at: path)   // an attempt that failed before its succession was appended
        let successor = try directory.open(newKeys.databaseID, config: config)
        try successor.unlock(newKeys)
        let record: MembershipOperation.Succession
        do {
            record = try current.rekey(into: successor, name: config.nodeName, progress: progress)
        } catch {
            try? successor.close()
            try? removeLeftover(at: path)
            throw error
        }
        try moveTo(successor, from: current, domain: record.domain, newKeys: newKeys, directory: directory, config: &config)
        return record
    }

    /// What following reports while it waits for the successor's copies.
    public enum Progress: Sendable {
        case fetching(have: UInt64, of: UInt64)
        case carriedOver(Int)
    }

    /// Follows the succession of `current` (unlocked with the old keys) to the database
    /// `newKeys` derive: fetches the successor from `peers` until it holds the copied state,
    /// makes this device a writer there, carries over what this device wrote after the
    /// succession point, and moves the directory to it. Returns how many writes were carried.
    public static func follow(directory: DataDirectory, config: inout NodeConfig, current: HyphaDatabase,
                              newKeys: IdentityKeys, peers: [PeerAddress], network: NetworkConfiguration,
                              timeout: Duration, progress: @escaping @Sendable (Progress) -> Void = { _ in }) async throws -> Int {
        guard let record = try current.succession(to: newKeys.databaseID) else {
            let known = try current.successionStatus().candidates.map { "\($0.successor.shortHex)… (domain \($0.domain))" }
            throw FollowFailure.notASuccessor(derived: newKeys.databaseID, known: known)
        }
        try refuseKnown(newKeys.databaseID, config: config)
        let successor = try directory.open(newKeys.databaseID, config: config)
        do {
            try successor.unlock(newKeys)
            try await fetchCopies(into: successor, record: record, config: config, peers: peers, network: network,
                                  timeout: timeout, progress: progress)
            let carried = try current.follow(into: successor, name: config.nodeName)
            progress(.carriedOver(carried))
            try moveTo(successor, from: current, domain: record.domain, newKeys: newKeys, directory: directory, config: &config)
            return carried
        } catch {
            try? successor.close()
            throw error
        }
    }

    /// Replicates the successor (without keys: no authorisation request is sent) until the
    /// copier's log holds the copies.
    private static func fetchCopies(into successor: HyphaDatabase, record: MembershipOperation.Succession, config: NodeConfig,
                                    peers: [PeerAddress], network: NetworkConfiguration, timeout: Duration,
                                    progress: @escaping @Sendable (Progress) -> Void) async throws {
        let needed = record.copies.upperBound
        func have() throws -> UInt64 { try successor.length(of: record.copier) }
        if try have() >= needed { return }
        guard !peers.isEmpty else { throw FollowFailure.noPeers }
        var runtimeConfig = config
        runtimeConfig.database = successor.databaseID.hex
        var options = NodeRuntime.Options(listen: nil, peers: peers, network: network)
        options.serveControlSocket = false
        options.network.flags.remove(.writable)
        let runtime = NodeRuntime(config: runtimeConfig, database: successor, keys: nil, options: options)
        try await runtime.start()
        do {
            try await waitFor(needed, have: have, timeout: timeout, peers: peers, progress: progress)
        } catch {
            await runtime.stop()
            throw error
        }
        await runtime.stop()
    }

    private static func waitFor(_ needed: UInt64, have: () throws -> UInt64, timeout: Duration, peers: [PeerAddress],
                                progress: @Sendable (Progress) -> Void) async throws {
        let deadline = ContinuousClock.now + timeout
        var reported: UInt64 = .max
        while true {
            let now = try have()
            if now != reported {
                progress(.fetching(have: min(now, needed), of: needed))
                reported = now
            }
            if now >= needed { return }
            guard ContinuousClock.now < deadline else {
                throw FollowFailure.timedOut(have: now, of: needed, peers: peers.map(\.description))
            }
            try await Task.sleep(for: .milliseconds(50))   // polls the condition; the fetch runs on the runtime
        }
    }

    /// Closes both databases and makes the successor the directory's current one.
    private static func moveTo(_ successor: HyphaDatabase, from current: HyphaDatabase, domain: String, newKeys: IdentityKeys,
                               directory: DataDirectory, config: inout NodeConfig) throws {
        successor.lock()
        try successor.close()
        current.lock()
        try current.close()
        try directory.moveToSuccessor(newKeys.databaseID, domain: domain, deviceKey: newKeys.device?.publicKey, config: &config)
    }

    /// A successor must be a database this directory never held: its file would be taken.
    private static func refuseKnown(_ id: DatabaseID, config: NodeConfig) throws {
        if id.hex == config.origin || config.predecessorIDs.contains(id) || config.successorIDs.contains(id) {
            throw NodeError.invalidKey("the new passphrase derives a database this node held before (\(id.shortHex)…): choose a new passphrase")
        }
    }

    private static func removeLeftover(at path: String) throws {
        for suffix in ["", "-wal", "-shm"] where FileManager.default.fileExists(atPath: path + suffix) {
            try FileManager.default.removeItem(atPath: path + suffix)
        }
    }
}

extension NodeSuccession {
    /// Derives the keys of the successor a new passphrase belongs to (each candidate names its
    /// domain, so one derivation per distinct domain); with conflicting successions this is
    /// how the person chooses: the passphrase that is theirs. Refuses a passphrase that
    /// derives none of them (`FollowFailure.derivesNoSuccessor`, naming what it derives and
    /// the successors, node names sanitised).
    public static func successorKeys(status: SuccessionStatus, passphrase: SecureBytes, device: DeviceID?) throws -> IdentityKeys {
        var tried: [DatabaseID] = []
        for domain in Set(status.candidates.map(\.domain)).sorted() {
            let keys = try Identity.derive(passphrase: passphrase, domain: domain, deviceID: device)
            if status.candidates.contains(where: { $0.successor == keys.databaseID }) { return keys }
            tried.append(keys.databaseID)
            keys.wipe()
        }
        let known = status.candidates.map {
            "\($0.successor.shortHex)… (domain \(Sanitise.forTerminal($0.domain, limit: 80)), \($0.day), from \(Sanitise.forTerminal($0.by, limit: 40)))"
        }
        throw FollowFailure.derivesNoSuccessor(derived: tried, known: known)
    }
}

/// Why following a succession did not happen.
public enum FollowFailure: UserFacingError, Equatable {
    case notASuccessor(derived: DatabaseID, known: [String])
    /// The new passphrase derives none of the successors (with each candidate's domain).
    case derivesNoSuccessor(derived: [DatabaseID], known: [String])
    case noPeers
    case timedOut(have: UInt64, of: UInt64, peers: [String])
    /// An always-on node was given a successor id it has seen no verified succession to.
    case unknownSuccessor(given: String, known: [String], ambiguous: Bool)

    public var description: String {
        switch self {
        case let .notASuccessor(derived, known):
            let list = known.isEmpty ? "this database has not moved" : "its successors: \(known.joined(separator: ", "))"
            return "the new passphrase derives database \(derived.shortHex)…, which does not succeed this one (\(list))"
        case let .derivesNoSuccessor(derived, known):
            let list = known.isEmpty ? "this database has not moved" : "successors: \(known.joined(separator: "; "))"
            return "the new passphrase derives \(derived.map { "\($0.shortHex)…" }.joined(separator: ", ")), which is not a successor of this database (\(list))"
        case .noPeers:
            return "the successor's state is not here yet: give a peer to fetch it from (--peer HOST:PORT)"
        case let .unknownSuccessor(given, known, ambiguous):
            if ambiguous { return "\(given) matches several successors: give more digits (\(known.joined(separator: "; ")))" }
            return known.isEmpty
                ? "no succession of this node's databases has reached it: \(given) is not a successor it can serve"
                : "\(given) is not a successor of this node's databases (successors: \(known.joined(separator: "; ")))"
        case let .timedOut(have, of, peers):
            return "fetched \(have) of the successor's first \(of) blocks from \(peers.joined(separator: ", ")) before the timeout: is a peer that has it running?"
        }
    }
}
