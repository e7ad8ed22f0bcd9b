import Foundation
import HyphaEngine

/// An opened node for one command: its data directory, config and database, unlocked with
/// the passphrase when the command needs values or signatures.
struct NodeSession {
    let directory: DataDirectory
    let config: NodeConfig
    let database: HyphaDatabase
    private(set) var keys: IdentityKeys?

    init(dataDirectory: DataDirectoryOption) throws {
        directory = DataDirectory(dataDirectory.resolved())
        ErrorContext.set(directory.url.path)
        config = try directory.loadConfig()
        LogSetup.bootstrap(file: directory.logURL)
        database = try directory.openDatabase(config: config)
    }

    /// Derives the keys from the passphrase, checks they open this database and unlocks it.
    mutating func unlock(with passphrase: PassphraseOptions) throws {
        try unlock { try passphrase.read() }
    }

    /// Same, with the passphrase from `read` (called once, only for a full node).
    mutating func unlock(reading read: () throws -> SecureBytes) throws {
        guard config.role == .full, let domain = config.domain else {
            throw OperationalFailure(message: "this is an always-on node: it holds no keys and cannot read or write")
        }
        let secret = try read()
        defer { secret.wipe() }
        let derived = try Identity.derive(passphrase: secret, domain: domain, deviceID: config.device)
        guard derived.databaseID == database.databaseID else {
            derived.wipe()
            throw WrongPassphrase(derived: derived.databaseID, expected: database.databaseID)
        }
        try database.unlock(derived)
        keys = derived
    }

    func close() {
        database.lock()
        keys?.wipe()
    }
}

/// The passphrase derives another database than the one in the data directory.
struct WrongPassphrase: UserFacingError {
    var derived: DatabaseID
    var expected: DatabaseID
    var description: String {
        "the passphrase does not open this database (it derives \(derived.shortHex)…, this node holds \(expected.shortHex)…)"
    }
}
