import Foundation
import HyphaEngine

/// Setting up a node that joins an existing database: shared by `hypha join` and the app's
/// Join screen. Creates the data directory (or reuses one an earlier join made for the same
/// domain and database), derives the keys and opens the database unlocked.
enum NodeJoining {
    static func prepare(in directory: DataDirectory, domain canonicalDomain: String, nodeName: String,
                        passphrase: SecureBytes, peers: [String]) throws -> OpenNode {
        var config: NodeConfig
        let keys: IdentityKeys
        var existing = directory.exists ? try directory.loadConfig() : nil
        // A directory that an earlier join bound to a database no peer ever confirmed (nothing
        // replicated: a wrong passphrase or domain, an unreachable peer) is replaced.
        if let old = existing, old.role == .full, try neverSynced(directory, old) {
            let derivesSame = old.domain == canonicalDomain
                && (try? Identity.derive(passphrase: passphrase, domain: canonicalDomain, deviceID: old.device))
                    .map { derived in defer { derived.wipe() }; return derived.databaseID.hex == old.database } == true
            if !derivesSame {
                try LocalData.remove(in: directory)
                existing = nil
            }
        }
        if let existing {
            config = existing
            guard config.role == .full, config.domain == canonicalDomain else {
                throw DataDirectoryError.alreadyExists(directory.url.path)
            }
            keys = try Identity.derive(passphrase: passphrase, domain: canonicalDomain, deviceID: config.device)
            guard keys.databaseID.hex == config.database else {
                let expected = PublicKey(hex: config.database) ?? keys.databaseID
                keys.wipe()
                throw WrongPassphrase(derived: keys.databaseID, expected: expected)
            }
        } else {
            let deviceID = try DeviceID.random()
            keys = try Identity.derive(passphrase: passphrase, domain: canonicalDomain, deviceID: deviceID)
            config = NodeConfig(database: keys.databaseID, domain: canonicalDomain, nodeName: nodeName, deviceID: deviceID,
                                deviceKey: keys.device?.publicKey, role: .full)
            try directory.create(config: config)
        }
        let newPeers = peers.filter { !config.peers.contains($0) }
        if !newPeers.isEmpty {
            config.peers += newPeers
            try directory.save(config)
        }
        LogSetup.bootstrap(file: directory.logURL)
        let database = try directory.openDatabase(config: config)
        try database.unlock(keys)
        return OpenNode(directory: directory, config: config, database: database, keys: keys)
    }

    /// Whether the node in `directory` holds nothing at all (no log of any writer).
    static func neverSynced(_ directory: DataDirectory, _ config: NodeConfig) throws -> Bool {
        let database = try directory.openDatabase(config: config)
        return try database.heads().isEmpty
    }
}
