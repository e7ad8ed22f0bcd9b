import ArgumentParser
import Foundation
import HyphaEngine

/// `hypha predecessors [--remove ID]`: the old databases kept after passphrase changes.
struct PredecessorsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "predecessors",
        abstract: "List the old databases this node keeps after passphrase changes, or remove one.",
        discussion: """
        After `hypha rekey` or `hypha follow` the old database stays in the data directory, \
        frozen, and a running node keeps serving it so that devices which have not followed yet \
        hear of the change. Remove it once every device has followed: --remove ID (the id or a \
        unique prefix of at least 8 hex digits) deletes its files. Needs no passphrase and no \
        node running on the data directory.
        """
    )

    @OptionGroup var dataDirectory: DataDirectoryOption
    @Option(name: .customLong("remove"), help: ArgumentHelp("Delete this predecessor's files.", valueName: "id")) var remove: String?
    @OptionGroup var json: JSONOption

    func validate() throws {
        try DatabaseIDPrefix.validate(remove, option: "--remove")
    }

    func run() throws {
        let directory = DataDirectory(dataDirectory.resolved())
        ErrorContext.set(directory.url.path)
        var config = try directory.loadConfig()
        if let remove {
            try SuccessionCommand.refuseBesideRunningNode(dataDirectory)
            let matches = config.predecessorIDs.filter { $0.hex.hasPrefix(remove.lowercased()) }
            guard matches.count == 1, let id = matches.first else {
                throw OperationalFailure(message: matches.isEmpty ? "this node keeps no predecessor \(remove)" : "\(remove) matches several predecessors: give more digits")
            }
            try directory.removeDatabaseFiles(id, config: config)
            config.predecessors = config.predecessors?.filter { $0 != id.hex }
            try directory.save(config)
            if !json.enabled { Output.line("removed the predecessor \(id.hex)") } else { try Output.json(["removed": id.hex]) }
            return
        }
        let rows = config.predecessorIDs.map { id -> [String: Any] in
            let attributes = try? FileManager.default.attributesOfItem(atPath: directory.databasePath(of: id, config: config))
            return ["database": id.hex, "bytes": (attributes?[.size] as? NSNumber)?.intValue ?? 0,
                    "present": attributes != nil, "file": directory.databasePath(of: id, config: config)]
        }
        if json.enabled { try Output.json(rows); return }
        if rows.isEmpty { Output.note("this node keeps no predecessor"); return }
        Output.line("DATABASE\tSIZE")
        for row in rows {
            let size = (row["present"] as? Bool ?? false) ? "\((row["bytes"] as? Int ?? 0) / 1024) KiB" : "missing"
            Output.line("\(row["database"] as? String ?? "")\t\(size)")
        }
    }
}
