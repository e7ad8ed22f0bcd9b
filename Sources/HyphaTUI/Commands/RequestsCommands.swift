import ArgumentParser
import Foundation
import HyphaEngine

/// `hypha requests`: pending authorisation requests.
struct RequestsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "requests",
        abstract: "List pending authorisation requests (id, node name, verification code, age).",
        discussion: "Requests arrive while a node runs on this data directory (`hypha serve` or the app)."
    )

    @OptionGroup var dataDirectory: DataDirectoryOption
    @OptionGroup var json: JSONOption

    func run() throws {
        let session = try NodeSession(dataDirectory: dataDirectory)
        let pending = try session.database.authorisationRequests().pending()
        let now = HyphaDatabase.wallClock()
        if json.enabled {
            try Output.json(pending.map { r -> [String: Any] in
                ["id": r.requestID.hex, "node": r.nodeName, "code": r.code.formatted, "key": r.deviceKey.hex,
                 "ageSeconds": (now > r.receivedAt ? now - r.receivedAt : 0) / 1000, "expiresAt": r.expiresAt]
            })
            return
        }
        if pending.isEmpty { Output.note("no pending requests"); return }
        Output.line("ID\tNODE\tCODE\tKEY\tAGE")
        for r in pending {
            let age = (now > r.receivedAt ? now - r.receivedAt : 0) / 1000
            Output.line("\(r.requestID.hex.prefix(8))\t\(r.displayName)\t\(r.code.formatted)\t\(r.deviceKey.shortHex)\t\(age / 60)m\(age % 60)s")
        }
    }
}

/// `hypha authorise ID`.
struct AuthoriseCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "authorise",
        abstract: "Approve an authorisation request: the node becomes a writer (root-signed add-writer).",
        discussion: "ID is the request id or at least its first 6 hex digits (`hypha requests`). Compare the verification code with the one the joining node shows. Needs the passphrase.",
        aliases: ["authorize"]
    )

    @OptionGroup var dataDirectory: DataDirectoryOption
    @OptionGroup var passphrase: PassphraseOptions
    @Argument(help: "The request id (or a unique prefix of at least 6 hex digits).") var id: String

    func run() throws {
        if let node = RunningNode.connect(dataDirectory) {
            Output.line(try RunningNode.call(node, ControlRequest(op: .authorise, request: id)).done ?? "authorised")
            return
        }
        var session = try NodeSession(dataDirectory: dataDirectory)
        defer { session.close() }
        let requests = session.database.authorisationRequests()
        let requestID = try requests.resolve(id)
        try session.unlock(with: passphrase)
        let record = try session.database.approve(request: requestID)
        Output.line("authorised node \(record.displayName) (key \(record.deviceKey.shortHex), code \(record.code.formatted))")
    }
}

/// `hypha deny ID`.
struct DenyCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "deny",
        abstract: "Deny an authorisation request for good; every node and the joining node are told.",
        discussion: "ID is the request id or a unique prefix of at least 6 hex digits. The denial is a root-signed operation that replicates to every node: the request closes everywhere and can never be approved (the joining node may ask again, with a new code). Needs the passphrase."
    )

    @OptionGroup var dataDirectory: DataDirectoryOption
    @OptionGroup var passphrase: PassphraseOptions
    @Option(name: .customLong("reason"), help: "A reason shown to the joining node.") var reason: String = "denied"
    @Argument(help: "The request id (or a unique prefix).") var id: String

    func run() throws {
        if let node = RunningNode.connect(dataDirectory) {
            Output.line(try RunningNode.call(node, ControlRequest(op: .deny, request: id, reason: reason)).done ?? "denied")
            return
        }
        var session = try NodeSession(dataDirectory: dataDirectory)
        defer { session.close() }
        let requests = session.database.authorisationRequests()
        let requestID = try requests.resolve(id)
        try session.unlock(with: passphrase)
        let record = try session.database.deny(request: requestID, reason: reason)
        Output.line("denied node \(record.displayName) (code \(record.code.formatted))")
    }
}

/// `hypha peers`: what the node running on this data directory is connected to.
struct PeersCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "peers",
        abstract: "List the peers of the node running on this data directory (address, transport, node name, sync state)."
    )

    @OptionGroup var dataDirectory: DataDirectoryOption
    @OptionGroup var json: JSONOption

    func run() throws {
        let session = try NodeSession(dataDirectory: dataDirectory)
        guard let status = try session.database.runningNodeStatus() else {
            if json.enabled { try Output.json([String]()) } else { Output.note("no node is running on \(session.directory.url.path)") }
            return
        }
        if json.enabled {
            try Output.json(status.peers.map { p -> [String: Any] in
                ["address": p.address, "transport": p.transport, "direction": p.direction, "node": p.nodeName,
                 "sync": p.syncState, "alwaysOn": p.alwaysOn]
            })
            return
        }
        Output.line("node pid \(status.pid), listening on \(status.listen ?? "-")")
        Output.line("ADDRESS\tTRANSPORT\tDIRECTION\tNODE\tSYNC")
        for p in status.peers {
            Output.line("\(p.address)\t\(p.transport)\t\(p.direction)\t\(Sanitise.forTerminal(p.nodeName))\(p.alwaysOn ? " (always-on)" : "")\t\(p.syncState)")
        }
    }
}
