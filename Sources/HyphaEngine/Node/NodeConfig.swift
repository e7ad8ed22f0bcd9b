/// A node's configuration, stored as `config.json` in its data directory. Nothing secret:
/// the passphrase and every key are derived again on each start.
public struct NodeConfig: Codable, Sendable, Equatable {
    public enum Role: String, Codable, Sendable {
        /// Holds the keys while unlocked: reads and (once authorised) writes.
        case full
        /// Stores, verifies, replicates and relays without any secret.
        case alwaysOn = "always-on"
    }

    public var version = 1
    /// The database id (root public key), hex.
    public var database: String
    /// The domain the keys are salted with (full nodes).
    public var domain: String?
    public var nodeName: String
    /// This node's device id (hex), which selects its device key; never reused.
    public var deviceID: String?
    /// This node's device public key (hex): public, stored so that commands without the
    /// passphrase can tell which log is this node's.
    public var deviceKey: String?
    public var role: Role
    /// Where `serve` and the app listen unless told otherwise ("host:port").
    public var listen: String?
    /// Peers to connect to on start ("host:port" or "ws://host:port").
    public var peers: [String]
    /// Minutes of inactivity after which the app locks (wipes keys); nil: default.
    public var lockAfterMinutes: Int?
    /// Databases this one succeeds (hex ids, newest first): kept read-only, served so that
    /// devices which have not followed yet learn of the succession.
    public var predecessors: [String]?
    /// The database in `hypha.sqlite` (the one this directory was made with), once the node
    /// has moved to a successor (kept in `successor-ID.sqlite`); nil: `database`.
    public var origin: String?
    /// Successors an always-on node follows by itself (hex ids, oldest first): served beside
    /// `database`, which stays this node's first database.
    public var successors: [String]?

    public init(database: DatabaseID, domain: String?, nodeName: String, deviceID: DeviceID?, deviceKey: PublicKey? = nil,
                role: Role, listen: String? = nil, peers: [String] = [], lockAfterMinutes: Int? = nil) {
        self.database = database.hex
        self.domain = domain
        self.nodeName = nodeName
        self.deviceID = deviceID.map { String($0.value, radix: 16) }
        self.deviceKey = deviceKey?.hex
        self.role = role
        self.listen = listen
        self.peers = peers
        self.lockAfterMinutes = lockAfterMinutes
    }

    public var databaseID: DatabaseID? { PublicKey(hex: database) }
    public var device: DeviceID? { deviceID.flatMap { UInt64($0, radix: 16) }.flatMap(DeviceID.init) }
    public var devicePublicKey: PublicKey? { deviceKey.flatMap(PublicKey.init(hex:)) }
    public var predecessorIDs: [DatabaseID] { (predecessors ?? []).compactMap(PublicKey.init(hex:)) }
    public var successorIDs: [DatabaseID] { (successors ?? []).compactMap(PublicKey.init(hex:)) }
}
