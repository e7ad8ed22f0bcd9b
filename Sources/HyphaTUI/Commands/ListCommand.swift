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
    @Flag(name: .customLong("deleted"), help: "List the keys whose every version is deleted (see `hypha history KEY`, `hypha restore`).")
    var deleted = false

    func run() throws {
        let source = try EntrySources.open(dataDirectory, passphrase: passphrase)
        if deleted { return try listDeleted(source) }
        var objects: [[String: Any]] = []
        try EntryPages.forEach(source, prefix: KeyText.nfc(prefix.value)) { summary in
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

extension ListCommand {
    private func listDeleted(_ source: EntrySource) throws {
        var keys: [String] = []
        var after: String?
        while true {
            let page = try source.deletedKeys(prefix: KeyText.nfc(prefix.value), after: after, limit: 1000)
            keys += page
            guard page.count == 1000, let last = page.last else { break }
            after = last
        }
        if json.enabled { return try Output.json(keys) }
        for key in keys { Output.line(Output.text(Array(key.utf8))) }
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
