import ArgumentParser
import Foundation
import HyphaEngine

/// `hypha get KEY`: the value, or every concurrent value when in conflict.
struct GetCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "get",
        abstract: "Print the value of KEY; when in conflict, every concurrent value.",
        discussion: "Exit status 1 when the key does not exist."
    )

    @OptionGroup var dataDirectory: DataDirectoryOption
    @OptionGroup var passphrase: PassphraseOptions
    @OptionGroup var json: JSONOption
    @Argument(help: "The key.") var key: String

    func run() throws {
        let key = try KeyText.normalised(self.key)
        let source = try EntrySources.open(dataDirectory, passphrase: passphrase)
        guard let entry = try source.entry(key), !entry.isDeleted else { throw NodeError.noSuchEntry(key) }
        if json.enabled {
            try Output.json(EntryJSON.object(entry))
        } else if !entry.isConflict, let value = entry.winner.value {
            Output.line(Output.text(value))
        } else {
            Output.line("\(Output.text(Array(key.utf8))): \(entry.versions.count) concurrent values (conflict)")
            for (n, version) in entry.versions.enumerated() {
                let shown = version.value.map(Output.text) ?? "(deleted)"
                Output.line("[\(n + 1)] \(shown)\t(version \(version.id), node \(EntryJSON.nodeLabel(version)), \(EntryJSON.time(version.timestamp)))")
            }
        }
    }
}

/// JSON and text forms shared by get, list and export.
enum EntryJSON {
    static func object(_ entry: EntryDetail) -> [String: Any] {
        [
            "key": entry.key,
            "conflict": entry.isConflict,
            "value": Output.jsonText(entry.winner.value),
            "versions": entry.versions.map { version -> [String: Any] in
                ["id": version.id.description, "value": Output.jsonText(version.value), "deleted": version.isDeletion,
                 "writer": version.writer.hex, "node": version.writerName ?? NSNull(),
                 "time": time(version.timestamp), "timestamp": version.timestamp]
            },
        ]
    }

    static func nodeLabel(_ version: EntryVersion) -> String {
        version.writerName.map { Sanitise.forTerminal($0) } ?? version.writer.shortHex
    }

    static func time(_ milliseconds: UInt64) -> String {
        let formatter = ISO8601DateFormatter()
        return formatter.string(from: Date(timeIntervalSince1970: Double(milliseconds) / 1000))
    }
}
