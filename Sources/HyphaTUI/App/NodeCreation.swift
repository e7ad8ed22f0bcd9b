import Foundation
import HyphaEngine

/// Creating the first node of a new database: shared by `hypha new` and the app's New
/// database screen, so both make exactly the same node.
enum NodeCreation {
    /// Derives the keys (slow: Argon2id), writes the config (with a new device id), opens the
    /// database and appends the root-signed genesis and this node's add-writer. Returns the
    /// node open and unlocked; the caller locks it and wipes the keys when done.
    static func create(in directory: DataDirectory, domain canonicalDomain: String, nodeName: String,
                       passphrase canonical: SecureBytes) throws -> OpenNode {
        if directory.exists { throw DataDirectoryError.alreadyExists(directory.url.path) }
        let deviceID = try DeviceID.random()
        let keys = try Identity.derive(passphrase: canonical, domain: canonicalDomain, deviceID: deviceID)
        do {
            guard let device = keys.device else { throw OperationalFailure(message: "no device key") }
            try directory.create(config: NodeConfig(database: keys.databaseID, domain: canonicalDomain, nodeName: nodeName,
                                                    deviceID: deviceID, deviceKey: device.publicKey, role: .full))
            LogSetup.bootstrap(file: directory.logURL)
            let config = try directory.loadConfig()
            let database = try directory.openDatabase(config: config)
            try database.unlock(keys)
            let now = HyphaDatabase.wallClock()
            try database.append(membership: [
                .make(.genesis(kdfVersion: 1, domain: canonicalDomain), database: keys.root, createdAt: now),
                .make(.addWriter(writer: device.publicKey, name: nodeName, addedBy: device.publicKey), database: keys.root, createdAt: now),
            ])
            return OpenNode(directory: directory, config: config, database: database, keys: keys)
        } catch {
            keys.wipe()
            throw error
        }
    }
}
