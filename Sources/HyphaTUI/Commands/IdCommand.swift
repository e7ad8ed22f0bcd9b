import ArgumentParser
import HyphaEngine

/// `hypha id --domain D`: derives the database id from the passphrase; no network, no disk.
struct IdCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "id",
        abstract: "Derive and print the database id for a passphrase and domain.",
        discussion: "Prints the database id (the root public key) as 64 hex characters. Touches no disk and no network."
    )

    @OptionGroup var domain: DomainOption
    @OptionGroup var passphrase: PassphraseOptions
    @OptionGroup var json: JSONOption

    func run() throws {
        let canonicalDomain = try domain.canonical()
        let secret = try passphrase.read()
        defer { secret.wipe() }
        let keys = try Identity.derive(passphrase: secret, domain: canonicalDomain)
        defer { keys.wipe() }
        if json.enabled {
            try Output.json(["database": keys.databaseID.hex, "domain": canonicalDomain])
        } else {
            Output.line(keys.databaseID.hex)
        }
    }
}
