import ArgumentParser
import Foundation
import HyphaEngine

/// `hypha rekey`: a new passphrase for the database (its successor), made on this node.
struct RekeyCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "rekey",
        abstract: "Change the passphrase: make a successor database with a new passphrase and freeze this one.",
        discussion: """
        Needs this node's current passphrase (it must be an authorised writer) and no node \
        running on the data directory (stop `hypha serve`, or use the app's Change passphrase…). \
        Generates a new 8-word passphrase (printed once) unless --new-passphrase-file gives one; \
        --domain changes the domain too. The successor starts from the current state (every \
        live key with all its current versions), the old database gets a succession signed by \
        both root keys and refuses new writes, and becomes read-only history in the data \
        directory. Your other devices follow with `hypha follow`; an always-on node follows by \
        itself. See the README, "Changing your passphrase".
        """
    )

    @OptionGroup var dataDirectory: DataDirectoryOption
    @OptionGroup var passphrase: PassphraseOptions
    @Option(name: .customLong("new-passphrase-file"), help: ArgumentHelp("Read the new passphrase from this file (first line) instead of generating one.", valueName: "file"))
    var newPassphraseFile: String?
    @Option(name: .customLong("domain"), help: ArgumentHelp("A new domain for the successor (default: the current one).", valueName: "domain"))
    var domain: String?
    @OptionGroup var json: JSONOption

    func run() throws {
        try SuccessionCommand.refuseBesideRunningNode(dataDirectory)
        var session = try NodeSession(dataDirectory: dataDirectory)
        try session.unlock(with: passphrase)
        let newDomain = try domain.map(Domain.canonicalise) ?? session.config.domain ?? ""
        let secret = try newPassphraseFile.map(PassphraseReader.read(file:)) ?? Passphrase.generate()
        defer { secret.wipe() }
        let canonical = try Passphrase.canonicalise(secret)
        defer { canonical.wipe() }
        let newKeys = try Identity.derive(passphrase: canonical, domain: newDomain, deviceID: session.config.device)
        defer { newKeys.wipe() }
        var config = session.config
        // A large database takes a while: say how far the copy is, about once a second.
        var lastNote = Date()
        let quiet = json.enabled
        let record = try NodeSuccession.rekey(directory: session.directory, config: &config, current: session.database,
                                              newKeys: newKeys) { copied, total in
            guard !quiet, copied < total, Date().timeIntervalSince(lastNote) >= 1 else { return }
            lastNote = Date()
            Output.note("copying into the successor: \(EntryText.count(copied)) of \(EntryText.count(total)) versions")
        }
        session.keys?.wipe()
        let shown = newPassphraseFile == nil ? canonical.withUnsafeBytes { String(decoding: $0, as: UTF8.self) } : nil
        if json.enabled {
            var object: [String: Any] = ["database": record.successor.hex, "domain": record.domain,
                                         "predecessor": session.database.databaseID.hex,
                                         "copied": record.copies.count]
            if let shown { object["passphrase"] = shown }
            try Output.json(object)
            return
        }
        if let shown { Output.line("New passphrase (shown once; write it down): \(shown)") }
        Output.line("New database id: \(record.successor.hex)")
        Output.line("Copied \(EntryText.count(Int(record.copies.count))) version\(record.copies.count == 1 ? "" : "s"); the old database \(session.database.databaseID.shortHex)… is frozen and kept for history.")
        Output.line("On each of your other devices run `hypha follow` with the new passphrase.")
    }
}

/// `hypha follow`: this device follows a succession made on another device.
struct FollowCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "follow",
        abstract: "Follow your database to its new passphrase (a succession made on another device).",
        discussion: """
        Asks for the new passphrase (--passphrase-file) and the current one \
        (--old-passphrase-file), fetches the successor from the peers (saved ones and --peer) \
        until it holds the copied state, makes this node a writer there (the new passphrase \
        proves it) and carries over what this device wrote after the succession without \
        having heard of it: each such write appears in the successor, as a conflict where it \
        competes with a newer version. Needs no node running on the data directory. When two \
        successions conflict, the new passphrase chooses the one that is yours. An always-on \
        node follows a single succession by itself and holds no passphrase: when successions \
        conflict, choose yours there with --database ID (the id `hypha rekey` printed); it \
        serves that one from its next start and drops the others.
        """
    )

    @OptionGroup var dataDirectory: DataDirectoryOption
    @OptionGroup var passphrase: PassphraseOptions
    @Option(name: .customLong("old-passphrase-file"), help: ArgumentHelp("Read the current (old) passphrase from this file instead of the terminal.", valueName: "file"))
    var oldPassphraseFile: String?
    @Option(name: .customLong("peer"), parsing: .singleValue, help: ArgumentHelp(
        "A peer to fetch the successor from (repeatable): host:port for TCP, ws://host:port for WebSocket. Saved in the node's config.",
        valueName: "addr"))
    var peers: [String] = []
    @Option(name: .customLong("timeout"), help: ArgumentHelp("Seconds to wait for the successor's state from the peers.", valueName: "seconds"))
    var timeout: Double = 120
    @Option(name: .customLong("database"), help: ArgumentHelp("On an always-on node: the successor to serve (its id, or a prefix of at least 8 hex digits).", valueName: "id"))
    var database: String?
    @OptionGroup var json: JSONOption

    func validate() throws {
        try DatabaseIDPrefix.validate(database, option: "--database")
        if !(timeout > 0) { throw ValidationError("--timeout must be a positive number of seconds") }
    }

    func run() throws {
        try SuccessionCommand.refuseBesideRunningNode(dataDirectory)
        let chosenDirectory = DataDirectory(dataDirectory.resolved())
        if try chosenDirectory.loadConfig().role == .alwaysOn {
            ErrorContext.set(chosenDirectory.url.path)
            return try followOnAlwaysOn(chosenDirectory)
        }
        if database != nil {
            throw OperationalFailure(message: "--database is for an always-on node, which holds no passphrase; this node follows with the new passphrase")
        }
        var session = try NodeSession(dataDirectory: dataDirectory)
        let status = try session.database.successionStatus()
        guard !status.candidates.isEmpty else {
            throw OperationalFailure(message: "this database has not moved to a new passphrase (no succession has reached this node: run it beside your other devices first)")
        }
        let oldFile = oldPassphraseFile
        try session.unlock { try oldFile.map(PassphraseReader.read(file:)) ?? PassphraseReader.readFromTerminal(prompt: "Current passphrase: ") }
        let newKeys = try SuccessionCommand.deriveSuccessor(status: status, passphrase: passphrase, device: session.config.device)
        defer { newKeys.wipe() }
        var config = session.config
        let peers = try NetworkOptions.peerAddresses(self.peers, directory: session.directory, config: &config)
        let options = NodeRuntime.Options.command(config: config, listen: nil, peers: peers, writable: false)
        let json = json.enabled
        let database = session.database, directory = session.directory, timeout = self.timeout
        let (carried, moved) = try Blocking.run { [config] in
            var config = config
            let carried = try await NodeSuccession.follow(directory: directory, config: &config, current: database, newKeys: newKeys,
                                                          peers: peers, network: options.network, timeout: .seconds(timeout)) { progress in
                if case let .fetching(have, of) = progress, !json { Output.note("fetching the successor: \(have) of \(of) blocks") }
            }
            return (carried, config)
        }
        session.keys?.wipe()
        if json {
            try Output.json(["database": newKeys.databaseID.hex, "domain": moved.domain ?? "", "carriedOver": carried,
                             "predecessor": database.databaseID.hex])
            return
        }
        Output.line("Following database \(newKeys.databaseID.hex): this node is a writer there.")
        Output.line("Carried over \(carried) write\(carried == 1 ? "" : "s") made here after the succession.")
        Output.line("The old database \(database.databaseID.shortHex)… is kept read-only in \(directory.databasePath(of: database.databaseID, config: moved)).")
        if carried > 0 { Output.line("Run this node (hypha serve or the app) to send them to your other devices.") }
    }
}

extension FollowCommand {
    /// An always-on node: the person names the successor that is theirs.
    func followOnAlwaysOn(_ directory: DataDirectory) throws {
        var config = try directory.loadConfig()
        guard let database else {
            let seen = try NodeSuccession.successionsSeen(directory: directory, config: config)
            let ids = seen.flatMap { $0.status.candidates.map(\.successor.hex) }
            throw OperationalFailure(message: ids.isEmpty
                ? "no succession has reached this always-on node; it follows a single one by itself"
                : "an always-on node holds no passphrase: choose the successor that is yours with --database ID (successors: \(ids.joined(separator: ", ")))")
        }
        let choice = try NodeSuccession.chooseOnAlwaysOn(successor: database, directory: directory, config: &config)
        if json.enabled {
            try Output.json(["database": choice.chosen.hex, "predecessor": choice.predecessor.hex,
                             "dropped": choice.dropped.map(\.hex), "alreadyServed": choice.alreadyServed])
            return
        }
        Output.line(choice.alreadyServed
            ? "This always-on node already serves \(choice.chosen.hex)."
            : "This always-on node serves \(choice.chosen.hex) (the successor of \(choice.predecessor.shortHex)…) from its next start.")
        for id in choice.dropped { Output.line("It no longer serves \(id.hex); its files are removed.") }
    }
}

/// What `rekey` and `follow` share.
enum SuccessionCommand {
    /// Both replace the database file: a node running on the directory must be stopped first.
    static func refuseBesideRunningNode(_ dataDirectory: DataDirectoryOption) throws {
        if ControlConnection.open(dataDirectory: dataDirectory.resolved().path) != nil {
            throw OperationalFailure(message: "a node is running on this data directory: stop it first (or change the passphrase in the app)")
        }
    }

    /// Reads the new passphrase and derives the keys of the successor it belongs to
    /// (`NodeSuccession.successorKeys`, which the app's follow prompt uses too).
    static func deriveSuccessor(status: SuccessionStatus, passphrase: PassphraseOptions, device: DeviceID?) throws -> IdentityKeys {
        let secret = try passphrase.read(prompt: "New passphrase: ")
        defer { secret.wipe() }
        return try NodeSuccession.successorKeys(status: status, passphrase: secret, device: device)
    }
}
