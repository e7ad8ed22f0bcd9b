import ArgumentParser
import Foundation
import HyphaEngine
import Synchronization

/// `hypha check [--repair]`: is the data directory healthy, and heal it if not.
struct CheckCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "check",
        abstract: "Check the database file, verify every stored log against its signatures, list fork proofs and entries every node ignores.",
        discussion: """
        Exit status 1 when a problem is found (each is printed). Any changed byte in a stored \
        block or signature is found; while problems are found this node refuses local writes. \
        --repair rebuilds what can be rebuilt here (SQLite's indexes, the view, the stored \
        roots) and cuts damaged logs back to the last length that verifies, then fetches the \
        rest again from peers (--peer, or the saved ones; any peer will do, the always-on node \
        included: logs are signed). Stop a node running on this data directory first.
        """
    )

    @OptionGroup var dataDirectory: DataDirectoryOption
    @OptionGroup var json: JSONOption
    @Flag(name: .customLong("repair"), help: "Repair what can be repaired and fetch damaged logs again from peers.") var repair = false
    @Option(name: .customLong("peer"), parsing: .singleValue,
            help: ArgumentHelp("A peer to fetch damaged logs from, with --repair (repeatable; default: the saved peers).", valueName: "addr"))
    var peers: [String] = []
    @Option(name: .customLong("timeout"), help: ArgumentHelp("Seconds to wait for peers with --repair.", valueName: "s"))
    var timeout: Double = 60

    func run() throws {
        let session = try NodeSession(dataDirectory: dataDirectory)
        var problems = try session.database.checkIntegrity()
        if repair && !problems.isEmpty {
            problems.forEach { Output.note("found: \($0)") }
            problems = try session.database.repair()
            let addresses = try (peers + session.config.peers).map { try PeerAddress(parsing: $0) }
            if !addresses.isEmpty {
                Output.note("fetching from \(addresses.count) peer\(addresses.count == 1 ? "" : "s")…")
                RepairSync.run(database: session.database, config: session.config, peers: addresses, timeout: timeout)
                problems = try session.database.checkIntegrity()
            }
        }
        let logs = try session.database.heads().count
        // Fork proofs are not damage (both versions are validly signed) but the person should know.
        let forks = try session.database.forks().map {
            "fork proof: writer \($0.writer.shortHex) signed two different blocks at position \($0.index) (logs of \($0.ourLength) and \($0.theirLength) blocks); nothing from there on counts"
        }
        forks.forEach { Output.note($0) }
        // Entries every node skips alike (bad root signatures, payloads that do not decode):
        // not damage here, but someone wrote them.
        let ignored = try session.database.invalidEntries().map { "ignored: entry \($0.index) of writer \($0.writer.shortHex): \($0.reason)" }
        ignored.forEach { Output.note($0) }
        if json.enabled {
            try Output.json(["ok": problems.isEmpty, "logs": logs, "problems": problems, "forks": forks, "ignored": ignored,
                             "notChecked": HyphaDatabase.checkLimits])
        } else if problems.isEmpty {
            Output.line("ok: database file intact, \(logs) log\(logs == 1 ? " verified against its" : "s verified against their") signatures\(repair ? " (repaired)" : "")")
            Output.note(HyphaDatabase.checkLimits)
        } else {
            problems.forEach { Output.line($0) }
        }
        if !problems.isEmpty {
            throw OperationalFailure(message: "\(problems.count) problem\(problems.count == 1 ? "" : "s") found\(repair ? " that could not be repaired" : ": local writes are refused until `hypha check --repair` heals them")")
        }
    }
}

/// A node run for a short while, without keys, to fetch what a repair cut away from peers:
/// returns when every peer is synced or has failed, or at the timeout.
enum RepairSync {
    static func run(database: HyphaDatabase, config: NodeConfig, peers: [PeerAddress], timeout: Double) {
        let runtime = NodeRuntime(config: config, database: database, keys: nil,
                                  options: .command(config: config, listen: nil, peers: peers, writable: false))
        let done = DispatchSemaphore(value: 0)
        let pending = Mutex(Set(peers.map(\.description)))
        runtime.observe { event in
            let finished: String?
            switch event {
            case let .syncProgress(peer, remaining) where remaining == 0: finished = peer
            case let .connectFailed(address, _, _): finished = address
            default: finished = nil
            }
            guard let finished else { return }
            let empty = pending.withLock { $0.remove(finished); return $0.isEmpty }
            if empty { done.signal() }
        }
        Task.detached { _ = try? await runtime.start() }
        _ = done.wait(timeout: .now() + timeout)
        try? Blocking.run { await runtime.stop() }
    }
}
