import Foundation

extension NodeSuccession {
    /// What choosing a successor on an always-on node did.
    public struct AlwaysOnChoice: Sendable, Equatable {
        public let chosen: DatabaseID
        /// The database the chosen successor succeeds.
        public let predecessor: DatabaseID
        /// Other successors of that database this node served and no longer does (files removed).
        public let dropped: [DatabaseID]
        /// The node served the chosen successor already.
        public let alreadyServed: Bool
    }

    /// The successions that the databases of an always-on data directory show, with the
    /// database each succeeds (opened and closed again; no node may run on the directory).
    public static func successionsSeen(directory: DataDirectory, config: NodeConfig) throws -> [(predecessor: DatabaseID, status: SuccessionStatus)] {
        let held = ([config.databaseID].compactMap { $0 } + config.predecessorIDs + config.successorIDs)
            .filter { FileManager.default.fileExists(atPath: directory.databasePath(of: $0, config: config)) }
        var seen: [(predecessor: DatabaseID, status: SuccessionStatus)] = []
        for id in held {
            let database = try directory.open(id, config: config)
            defer { try? database.close() }
            let status = try database.successionStatus()
            if !status.candidates.isEmpty { seen.append((id, status)) }
        }
        return seen
    }

    /// An always-on node holds no passphrase, so among conflicting successions the person
    /// chooses theirs by its id (the one their `hypha rekey` printed; any unique prefix of at
    /// least 8 hex digits). The node serves the chosen successor from its next start and stops
    /// serving the other successors of the same database: they are not the person's. Only a
    /// verified succession this node has seen can be chosen.
    public static func chooseOnAlwaysOn(successor prefix: String, directory: DataDirectory,
                                        config: inout NodeConfig) throws -> AlwaysOnChoice {
        let seen = try successionsSeen(directory: directory, config: config)
        let wanted = prefix.lowercased()
        var matches: [(predecessor: DatabaseID, status: SuccessionStatus, successor: DatabaseID)] = []
        for (predecessor, status) in seen {
            for candidate in status.candidates where candidate.successor.hex.hasPrefix(wanted)
                && !matches.contains(where: { $0.successor == candidate.successor }) {
                matches.append((predecessor, status, candidate.successor))
            }
        }
        guard matches.count == 1, let match = matches.first else {
            let known = seen.flatMap { $0.status.candidates }.map {
                "\($0.successor.hex) (\($0.day), from \(Sanitise.forTerminal($0.by, limit: 40)))"
            }
            throw FollowFailure.unknownSuccessor(given: prefix, known: known, ambiguous: matches.count > 1)
        }
        let served = config.successorIDs
        let dropped = match.status.candidates.map(\.successor).filter { $0 != match.successor && served.contains($0) }
        let alreadyServed = served.contains(match.successor)
        if !alreadyServed {
            // An empty database for the successor's id: peers fill it once the node runs.
            try directory.open(match.successor, config: config).close()
        }
        var updated = config
        updated.successors = (served.filter { !dropped.contains($0) } + (alreadyServed ? [] : [match.successor])).map(\.hex)
        try directory.save(updated)
        config = updated
        for id in dropped { try directory.removeDatabaseFiles(id, config: config) }
        return AlwaysOnChoice(chosen: match.successor, predecessor: match.predecessor, dropped: dropped, alreadyServed: alreadyServed)
    }
}
