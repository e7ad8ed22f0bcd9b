import ArgumentParser
import HyphaEngine

/// `hypha new --domain D`: generates a passphrase (shown once) and prints the database id.
struct NewCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "new",
        abstract: "Create a new identity: generate an 8-word passphrase and print it once with the database id.",
        discussion: "With --passphrase-file the given passphrase (at least 6 list words) is used instead of a generated one."
    )

    @OptionGroup var domain: DomainOption
    @OptionGroup var passphrase: PassphraseOptions
    @OptionGroup var json: JSONOption

    func run() throws {
        let canonicalDomain = try domain.canonical()
        let given = passphrase.file() != nil
        let secret = given ? try passphrase.read() : try Passphrase.generate()
        defer { secret.wipe() }
        let canonical = try Passphrase.canonicalise(secret)
        defer { canonical.wipe() }
        let keys = try Identity.derive(passphrase: canonical, domain: canonicalDomain)
        defer { keys.wipe() }
        let shown = given ? nil : canonical.withUnsafeBytes { String(decoding: $0, as: UTF8.self) }
        if json.enabled {
            var object: [String: Any] = ["database": keys.databaseID.hex, "domain": canonicalDomain]
            if let shown { object["passphrase"] = shown }
            try Output.json(object)
        } else {
            if let shown {
                Output.line("Passphrase (shown once; write it down): \(shown)")
            }
            Output.line("Database id: \(keys.databaseID.hex)")
        }
    }
}
