import ArgumentParser
import Foundation
import HyphaEngine

/// `hypha list [--prefix P]`: live entries in key order with their (winning) values.
struct ListCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "list",
        abstract: "List entries in key order (KEY<TAB>VALUE); entries in conflict are marked.",
        discussion: "With --json: one JSON array of {key, value, conflict, values} objects."
    )

    @OptionGroup var dataDirectory: DataDirectoryOption
    @OptionGroup var passphrase: PassphraseOptions
    @OptionGroup var json: JSONOption
    @OptionGroup var prefix: PrefixOption

    func run() throws {
        let source = try EntrySources.open(dataDirectory, passphrase: passphrase)
        var objects: [[String: Any]] = []
        try EntryPages.forEach(source, prefix: prefix.value) { summary in
            if json.enabled {
                if summary.isConflict, let entry = try source.entry(summary.key) {
                    objects.append(EntryJSON.object(entry))
                } else {
                    objects.append(["key": summary.key, "value": Output.jsonText(summary.value), "conflict": false])
                }
            } else {
                let marker = summary.isConflict ? "\t(conflict: \(summary.versionCount) values)" : ""
                Output.line("\(Output.text(Array(summary.key.utf8)))\t\(summary.value.map(Output.text) ?? "")\(marker)")
            }
        }
        if json.enabled { try Output.json(objects) }
    }
}

/// Walks every live entry (with `prefix`) page by page, in key order.
enum EntryPages {
    static func forEach(_ source: EntrySource, prefix: String, values: Bool = true, pageSize: Int = 1000,
                        _ body: (EntrySummary) throws -> Void) throws {
        var after: String?
        while true {
            let page = try source.list(prefix: prefix, after: after, limit: pageSize, values: values)
            for summary in page { try body(summary) }
            guard page.count == pageSize, let last = page.last else { return }
            after = last.key
        }
    }
}
