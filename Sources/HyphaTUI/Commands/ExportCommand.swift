import ArgumentParser
import Foundation
import HyphaEngine

/// `hypha export`: JSON Lines, one {"key": …, "value": …} per entry.
struct ExportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "export",
        abstract: "Write every entry as JSON Lines: {\"key\": …, \"value\": …} per line.",
        discussion: "An entry in conflict is written with its display winner as value plus \"conflict\": true and every version in \"values\"."
    )

    @OptionGroup var dataDirectory: DataDirectoryOption
    @OptionGroup var passphrase: PassphraseOptions
    @OptionGroup var prefix: PrefixOption

    func run() throws {
        let source = try EntrySources.open(dataDirectory, passphrase: passphrase)
        try EntryPages.forEach(source, prefix: prefix.value) { summary in
            var object: [String: Any] = ["key": summary.key, "value": Output.jsonText(summary.value)]
            if summary.isConflict, let entry = try source.entry(summary.key) {
                object = EntryJSON.object(entry)
            }
            var line = try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys, .withoutEscapingSlashes])
            line.append(0x0A)
            Output.raw(line)
        }
    }
}
