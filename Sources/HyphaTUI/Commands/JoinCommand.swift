import ArgumentParser
import Foundation
import HyphaEngine

/// `hypha join --domain D --peer ADDR`: a new node of an existing database.
struct JoinCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "join",
        abstract: "Join an existing database from this machine: replicate it read-only and ask to be authorised.",
        discussion: """
        Creates the data directory (or reuses one made by an earlier join), derives the keys from \
        the passphrase, connects to the peers, prints the verification code and sends an \
        authorisation request, re-sending it until an authorised node approves it (`hypha \
        authorise ID` or the app's alert; compare the code). It then keeps running as a node \
        until interrupted and reports when it becomes writable. --self-authorise skips the \
        approval: the passphrase itself signs this node in, for when no authorised node is \
        reachable.
        """
    )

    @OptionGroup var dataDirectory: DataDirectoryOption
    @OptionGroup var domain: DomainOption
    @OptionGroup var passphrase: PassphraseOptions
    @OptionGroup var network: NetworkOptions
    @Option(name: .customLong("name"), help: ArgumentHelp("This node's name, shown in the approval alert (default: the host name).", valueName: "name"))
    var name: String?
    @Flag(name: .customLong("self-authorise"), help: "Authorise this node with the passphrase alone, without another node's approval.")
    var selfAuthorise = false
    @Flag(name: .customLong("json"), help: "Print events as JSON Lines.") var json = false

    func validate() throws {
        if network.peers.isEmpty && !selfAuthorise { throw ValidationError("give at least one --peer to join through") }
    }

    func run() throws {
        let canonicalDomain = try domain.canonical()
        let directory = DataDirectory(dataDirectory.resolved())
        let secret = try passphrase.read()
        defer { secret.wipe() }
        let node = try NodeJoining.prepare(in: directory, domain: canonicalDomain, nodeName: try NodeName.validated(name),
                                           passphrase: secret, peers: [])
        var config = node.config
        let keys = node.keys, database = node.database
        let listen = try network.listenAddress(config: config, default: nil)
        let peers = try network.peerAddresses(directory: directory, config: &config)
        EventPrinter.emit(json: json, text: "database \(keys.databaseID.hex); node \(Sanitise.forTerminal(config.nodeName)) in \(directory.url.path)",
                          object: ["event": "node", "database": keys.databaseID.hex, "node": config.nodeName,
                                   "dataDirectory": directory.url.path])
        let host = try NodeHost(directory: directory, config: config, database: database, keys: keys,
                                options: .command(config: config, listen: listen, peers: peers, writable: false))
        let runtime = host.current
        let selfAuthorise = self.selfAuthorise, json = self.json
        NodeRunner.run(host, json: json, afterStart: {
            if selfAuthorise {
                try runtime.authoriseSelf()
                EventPrinter.emit(json: json, text: "authorised this node with the passphrase (no other node approved it)",
                                  object: ["event": "selfAuthorised"])
            }
        })
    }
}
