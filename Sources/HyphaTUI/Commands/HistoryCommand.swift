import ArgumentParser
import Foundation
import HyphaEngine

/// `hypha history KEY`: every version ever written, deletions included.
struct HistoryCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "history",
        abstract: "Every version of KEY ever written (deletions included), oldest first, with what each followed.",
        discussion: """
        Text: one version per line, ID, node, time, value (or "(deleted)"), "current" for the \
        key's current versions and "after ID…" for the versions it came right after; two \
        versions neither of which comes after the other were written concurrently (a conflict). \
        --json: [{"id", "value", "node", "time", "deleted", "current", "follows": [ID…]}]. \
        Bring a version back with `hypha restore KEY ID`; deleted keys: `hypha list --deleted`.
        """
    )

    @OptionGroup var dataDirectory: DataDirectoryOption
    @OptionGroup var passphrase: PassphraseOptions
    @OptionGroup var json: JSONOption
    @Argument(help: "The key.") var key: String

    func run() throws {
        let key = try KeyText.normalised(self.key)
        let history = try EntrySources.open(dataDirectory, passphrase: passphrase).history(key)
        if json.enabled {
            try Output.json(history.map { item -> [String: Any] in
                ["id": item.version.id.description, "value": Output.jsonText(item.version.value), "deleted": item.version.isDeletion,
                 "node": item.version.writerName ?? NSNull(), "time": EntryJSON.time(item.version.timestamp),
                 "current": item.isCurrent, "follows": item.follows.map(\.description)]
            })
            return
        }
        for item in history {
            let value = item.version.value.map(Output.text) ?? "(deleted)"
            let after = item.follows.isEmpty ? "" : "\tafter \(item.follows.map(\.description).joined(separator: ", "))"
            Output.line("\(item.version.id)\t\(EntryJSON.nodeLabel(item.version))\t\(EntryJSON.time(item.version.timestamp))\t\(value)\(item.isCurrent ? "\tcurrent" : "")\(after)")
        }
    }
}

/// `hypha restore KEY ID`: a version from the history becomes the key's value again.
struct RestoreCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "restore",
        abstract: "Make a version from KEY's history its value again (a write that replaces its current versions).",
        discussion: "ID as `hypha history KEY` shows it. Restoring a deletion deletes the key; restoring a value of a deleted key brings it back."
    )

    @OptionGroup var dataDirectory: DataDirectoryOption
    @OptionGroup var passphrase: PassphraseOptions
    @Argument(help: "The key.") var key: String
    @Argument(help: ArgumentHelp("The version to restore.", valueName: "id")) var id: String

    func run() throws {
        let key = try KeyText.normalised(self.key)
        let source = try EntrySources.open(dataDirectory, passphrase: passphrase)
        let history = try source.history(key)
        let wanted = try VersionID.parse(id, writers: Array(Set(history.map(\.version.writer))))
        guard let chosen = history.first(where: { $0.version.id == wanted }) else { throw VersionIDError.notAVersionOf(id, key: key) }
        let current = history.filter(\.isCurrent).map { $0.version.id.description }
        try source.write([PendingChange(key: key, value: chosen.version.value, replaces: current)])
        Output.line("restored version \(chosen.version.id) of \(Output.text(Array(key.utf8)))")
    }
}
