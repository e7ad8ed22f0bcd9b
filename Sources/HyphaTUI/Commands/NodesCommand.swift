import ArgumentParser
import Foundation
import HyphaEngine

/// `hypha nodes`: the writers, who added them, revoked or not. Needs no passphrase: membership
/// is signed in clear.
struct NodesCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "nodes", abstract: "List the database's nodes (writers): authorised, revoked, or unknown.")

    @OptionGroup var dataDirectory: DataDirectoryOption
    @OptionGroup var json: JSONOption

    func run() throws {
        let session = try NodeSession(dataDirectory: dataDirectory)
        let writers = try session.database.writers()
        let names = Dictionary(writers.compactMap { w in w.name.map { (w.key, $0) } }) { a, _ in a }
        let local = session.config.devicePublicKey
        if json.enabled {
            try Output.json(writers.map { w -> [String: Any] in
                [
                    "key": w.key.hex, "name": w.name ?? NSNull(), "status": w.status.rawValue,
                    "addedBy": w.addedBy?.hex ?? NSNull(), "addedByName": w.addedBy.flatMap { names[$0] } ?? NSNull(),
                    "length": w.length, "acceptedLength": w.acceptedLength ?? NSNull(),
                    "forkedAt": w.forkedAt ?? NSNull(), "local": w.key == local,
                ]
            })
            return
        }
        if let status = try? session.database.successionStatus(), !status.candidates.isEmpty {
            Output.note(SuccessionText.line(status, alwaysOn: session.config.role == .alwaysOn))
        }
        Output.line("NAME\tKEY\tSTATUS\tADDED BY\tENTRIES")
        for w in writers {
            let name = Sanitise.forTerminal(w.name ?? "(no name)") + (w.key == local ? " (this node)" : "")
            // "revoked", as the app says (the engine's status is .removed).
            var status = w.status == .removed ? "revoked" : w.status.rawValue
            if let accepted = w.acceptedLength {
                status += accepted == 0 ? " (none of its entries count)"
                    : " (its first \(accepted) entr\(accepted == 1 ? "y counts" : "ies count"))"
            }
            if let fork = w.forkedAt { status += " FORKED at \(fork)" }
            let addedBy = w.addedBy.map { names[$0].map { Sanitise.forTerminal($0) } ?? $0.shortHex } ?? "-"
            Output.line("\(name)\t\(w.key.shortHex)\t\(status)\t\(addedBy)\t\(w.length)")
        }
    }
}

/// `hypha revoke NODE`.
struct RevokeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "revoke",
        abstract: "Revoke a node: its entries so far stay, everything it writes later is ignored everywhere.",
        discussion: "NODE is a node name or at least 4 hex digits of its key (see `hypha nodes`). Needs the passphrase (the root key signs the removal)."
    )

    @OptionGroup var dataDirectory: DataDirectoryOption
    @OptionGroup var passphrase: PassphraseOptions
    @Argument(help: "Node name or key prefix.") var node: String

    func run() throws {
        if let running = RunningNode.connect(dataDirectory) {
            Output.line(try RunningNode.call(running, ControlRequest(op: .revoke, node: node)).done ?? "revoked")
            return
        }
        var session = try NodeSession(dataDirectory: dataDirectory)
        defer { session.close() }
        try session.unlock(with: passphrase)
        let target = try session.database.findWriter(node)
        if target.key == session.keys?.device?.publicKey {
            throw OperationalFailure(message: "that is this node; revoke it from another node")
        }
        let (_, cutoff) = try session.database.revoke(writer: target.key)
        Output.line("revoked \(Sanitise.forTerminal(target.name ?? "node")) (\(target.key.shortHex)): its first \(cutoff) entries stay, later ones are ignored everywhere")
    }
}

/// `hypha log`: every writer's blocks, tree hash, length and signature.
struct LogCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "log",
        abstract: "Print every stored log (blocks, length, tree hash, signature) for independent verification.",
        discussion: """
        --json prints {"database": HEX, "writers": [{"key": HEX, "length": N, "fork": 0, "treeHash": HEX, \
        "signature": HEX, "blocks": [HEX, …]}]}. Blocks are the encoded entries (docs/PROTOCOL.md); \
        the signature is Ed25519 by the writer key over the Hypercore signable of the tree hash.
        """
    )

    @OptionGroup var dataDirectory: DataDirectoryOption
    @OptionGroup var json: JSONOption

    func run() throws {
        let session = try NodeSession(dataDirectory: dataDirectory)
        let logs = try session.database.exportLogs()
        if json.enabled {
            try Output.json([
                "database": session.database.databaseID.hex,
                "writers": logs.map { log -> [String: Any] in
                    ["key": log.writer.hex, "length": log.length, "fork": 0, "treeHash": Hex.encode(log.treeHash),
                     "signature": Hex.encode(log.signature), "blocks": log.blocks.map { Hex.encode($0) }]
                },
            ])
            return
        }
        Output.line("database \(session.database.databaseID.hex)")
        for log in logs {
            Output.line("writer \(log.writer.hex) length \(log.length) tree \(Hex.encode(log.treeHash).prefix(16))… signature \(Hex.encode(log.signature).prefix(16))…")
        }
        for rejection in try session.database.rejections(limit: 10) {
            Output.line("rejected \(rejection.writer.shortHex)@\(rejection.index): \(Sanitise.forTerminal(rejection.reason, limit: 200))")
        }
    }
}
