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
        var session = try NodeSession(dataDirectory: dataDirectory)
        defer { session.close() }
        try session.unlock(with: passphrase)
        var objects: [[String: Any]] = []
        try EntryPages.forEach(session.database, prefix: KeyInput.normalised(prefix.value)) { summary in
            if json.enabled {
                if summary.isConflict, let entry = try session.database.entry(summary.key) {
                    objects.append(EntryJSON.object(entry))
                } else {
                    objects.append(["key": summary.key, "value": Output.jsonText(summary.value), "conflict": false])
                }
            } else {
                let marker = summary.isConflict ? "\t(conflict: \(summary.versionCount) values)" : ""
                // One line per entry: line breaks, tabs and backslashes in keys and values are escaped.
                Output.line("\(ListText.text(Array(summary.key.utf8)))\t\(summary.value.map(ListText.text) ?? "")\(marker)")
            }
        }
        if json.enabled { try Output.json(objects) }
    }
}

/// Walks every live entry (with `prefix`) page by page, in key order.
enum EntryPages {
    static func forEach(_ database: HyphaDatabase, prefix: String, values: Bool = true, pageSize: Int = 1000,
                        _ body: (EntrySummary) throws -> Void) throws {
        var after: String?
        while true {
            let page = try database.list(prefix: prefix, after: after, limit: pageSize, values: values)
            for summary in page { try body(summary) }
            guard page.count == pageSize, let last = page.last else { return }
            after = last.key
        }
    }
}

/// The text output of `hypha list`: one line per entry, tab-separated, so a value's line
/// breaks and tabs must not split it. They are written as \n, \r and \t, a backslash as
/// \\, and other control characters as \u{XX} (`hypha get` prints a value raw).
enum ListText {
    /// Escaped first, then (on a terminal) sanitised like all output.
    static func text(_ bytes: [UInt8]) -> String {
        Output.text(Array(escaped(String(decoding: bytes, as: UTF8.self)).utf8))
    }

    static func escaped(_ text: String) -> String {
        var result = ""
        result.reserveCapacity(text.utf8.count)
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\\": result += "\\\\"
            case "\n": result += "\\n"
            case "\r": result += "\\r"
            case "\t": result += "\\t"
            case _ where scalar.value < 0x20 || scalar.value == 0x7F:
                result += "\\u{" + String(scalar.value, radix: 16, uppercase: true) + "}"
            default: result.unicodeScalars.append(scalar)
            }
        }
        return result
    }
}
