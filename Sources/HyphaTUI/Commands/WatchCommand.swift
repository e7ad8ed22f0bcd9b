import ArgumentParser
import Foundation
import HyphaEngine

/// `hypha watch [--prefix P] [--json]`: changes as they happen, from the running node.
struct WatchCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "watch",
        abstract: "Print every change to an entry as it happens (key, versions, node, time), until interrupted.",
        discussion: """
        Needs a node running on the data directory (the app, serve or join): the changes are \
        its writes, its peers' and other commands'. Text: KEY<TAB>VALUE (or "(deleted)", or the \
        number of values in conflict). --json: one object per change, \
        {"key", "deleted", "conflict", "versions": [{"id", "value", "node", "time", "deleted"}]}.
        """
    )

    @OptionGroup var dataDirectory: DataDirectoryOption
    @OptionGroup var json: JSONOption
    @OptionGroup var prefix: PrefixOption

    func run() throws {
        guard let node = RunningNode.connect(dataDirectory) else {
            throw OperationalFailure(message: "no node is running on \(dataDirectory.resolved().path): watch streams changes from a running node (hypha serve, join or the app)")
        }
        var first = true
        try node.stream(ControlRequest(op: .watch, prefix: prefix.value)) { response in
            defer { first = false }
            guard response.ok else {
                CommandLineMain.printError("hypha: \(response.error ?? "the running node refused")")
                Glibc.exit(1)
            }
            if first { return true }   // the node's acknowledgement
            if let done = response.done { Output.note(done) }
            guard let entry = response.entry?.detail else { return true }
            if json.enabled {
                var object: [String: Any] = entry.versions.isEmpty ? ["key": entry.key, "conflict": false, "versions": [Any]()]
                                                                  : EntryJSON.object(entry)
                object["deleted"] = entry.versions.isEmpty || entry.isDeleted
                let line = (try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys, .withoutEscapingSlashes])) ?? Data()
                Output.raw(line + Data([0x0A]))
            } else if entry.versions.isEmpty || entry.isDeleted {
                Output.line("\(Output.text(Array(entry.key.utf8)))\t(deleted)")
            } else if entry.isConflict {
                Output.line("\(Output.text(Array(entry.key.utf8)))\t(conflict: \(entry.versions.count) values)")
            } else {
                Output.line("\(Output.text(Array(entry.key.utf8)))\t\(entry.winner.value.map(Output.text) ?? "")")
            }
            return true
        }
        throw ControlError.lost
    }
}
