import ArgumentParser
import Foundation
import HyphaEngine

/// `hypha new --domain D`: creates a database in the data directory; generates an 8-word
/// passphrase and prints it once, with the database id.
struct NewCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "new",
        abstract: "Create a new database: generate an 8-word passphrase (printed once) and make this node its origin.",
        discussion: """
        Creates the data directory (mode 0700) with the node's config and database, writes the \
        database's genesis and authorises this node as its first writer. With --passphrase-file \
        the given passphrase (at least 6 list words) is used instead of a generated one.
        """
    )

    @OptionGroup var dataDirectory: DataDirectoryOption
    @OptionGroup var domain: DomainOption
    @OptionGroup var passphrase: PassphraseOptions
    @Option(name: .customLong("name"), help: ArgumentHelp("This node's name, shown to your other nodes (default: the host name).", valueName: "name"))
    var name: String?
    @OptionGroup var json: JSONOption

    func run() throws {
        let canonicalDomain = try domain.canonical()
        let nodeName = try NodeName.validated(name)
        let directory = DataDirectory(dataDirectory.resolved())
        if directory.exists { throw DataDirectoryError.alreadyExists(directory.url.path) }
        let given = passphrase.file() != nil
        let secret = given ? try passphrase.read() : try Passphrase.generate()
        defer { secret.wipe() }
        let canonical = try Passphrase.canonicalise(secret)
        defer { canonical.wipe() }
        let node = try NodeCreation.create(in: directory, domain: canonicalDomain, nodeName: nodeName, passphrase: canonical)
        let keys = node.keys
        defer { keys.wipe() }
        node.database.lock()

        let shown = given ? nil : canonical.withUnsafeBytes { String(decoding: $0, as: UTF8.self) }
        if json.enabled {
            var object: [String: Any] = ["database": keys.databaseID.hex, "domain": canonicalDomain, "node": nodeName,
                                         "dataDirectory": directory.url.path]
            if let shown { object["passphrase"] = shown }
            try Output.json(object)
        } else {
            if let shown { Output.line("Passphrase (shown once; write it down): \(shown)") }
            Output.line("Database id: \(keys.databaseID.hex)")
            Output.line("Node \(nodeName) created in \(directory.url.path)")
        }
    }
}
