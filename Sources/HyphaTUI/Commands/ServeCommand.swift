import ArgumentParser
import Foundation
import HyphaEngine

/// `hypha serve`: a node without the UI.
struct ServeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve",
        abstract: "Run a node without the UI: listen, connect to peers, replicate and relay until interrupted.",
        discussion: """
        A full node needs the passphrase (it applies entries and answers authorisation requests). \
        With --always-on --database ID the node holds no secret: it stores, verifies, replicates \
        and relays, and can read and write nothing; the data directory is created on first use. \
        Events are printed one per line (JSON Lines with --json). Stops on SIGINT or SIGTERM.
        """
    )

    @OptionGroup var dataDirectory: DataDirectoryOption
    @OptionGroup var network: NetworkOptions
    @OptionGroup var passphrase: PassphraseOptions
    @Flag(name: .customLong("always-on"), help: "Run as an always-on node: no passphrase, no keys.") var alwaysOn = false
    @Option(name: .customLong("database"), help: ArgumentHelp("The database id (64 hex digits), with --always-on.", valueName: "id"))
    var database: String?
    @Option(name: .customLong("name"), help: ArgumentHelp("Node name for a new always-on node.", valueName: "name")) var name: String?
    @Flag(name: .customLong("json"), help: "Print events as JSON Lines.") var json = false

    func validate() throws {
        if database != nil && !alwaysOn { throw ValidationError("--database goes with --always-on") }
        if let database, PublicKey(hex: database) == nil { throw ValidationError("--database must be 64 hex digits (a database id)") }
    }

    func run() throws {
        let directory = DataDirectory(dataDirectory.resolved())
        if alwaysOn && !directory.exists {
            guard let id = database.flatMap(PublicKey.init(hex:)) else {
                throw OperationalFailure(message: "a new always-on node needs --database ID", status: 2)
            }
            try directory.create(config: NodeConfig(database: id, domain: nil, nodeName: try NodeName.validated(name ?? "always-on"),
                                                    deviceID: nil, role: .alwaysOn))
        }
        var session = try NodeSession(dataDirectory: dataDirectory)
        var config = session.config
        if alwaysOn {
            guard config.role == .alwaysOn else { throw OperationalFailure(message: "this data directory holds a full node; run serve without --always-on") }
            if let database, database.lowercased() != config.database {
                throw OperationalFailure(message: "this always-on node serves database \(config.database.prefix(8))…, not \(database.prefix(8))…")
            }
        } else if config.role == .full {
            try session.unlock(with: passphrase)
        } else {
            throw OperationalFailure(message: "this is an always-on node: run it with --always-on")
        }
        let listen = try network.listenAddress(config: config, default: "0.0.0.0:\(WireLimits.defaultPort)")
        let peers = try network.peerAddresses(directory: session.directory, config: &config)
        let writable = try session.keys?.device.map { try session.database.status(of: $0.publicKey) == .authorised } ?? false
        FileDescriptorLimit.raiseToHardLimit()   // one descriptor per connection
        let host = try NodeHost(directory: session.directory, config: config, database: session.database, keys: session.keys,
                                options: .command(config: config, listen: listen, peers: peers, writable: writable))
        NodeRunner.run(host, json: json)
    }
}
