import ArgumentParser
import HyphaEngine

/// `hypha check`: is the data directory healthy?
struct CheckCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "check",
        abstract: "Check the database file, verify every stored log against its signatures, list fork proofs and entries every node ignores.",
        discussion: "Exit status 1 when a problem is found (each is printed); a log whose blocks no longer match its signatures is capped at the last length that verifies."
    )

    @OptionGroup var dataDirectory: DataDirectoryOption
    @OptionGroup var json: JSONOption

    func run() throws {
        let session = try NodeSession(dataDirectory: dataDirectory)
        let problems = try session.database.checkIntegrity()
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
            try Output.json(["ok": problems.isEmpty, "logs": logs, "problems": problems, "forks": forks, "ignored": ignored])
        } else if problems.isEmpty {
            Output.line("ok: database file intact, \(logs) log\(logs == 1 ? " verified against its" : "s verified against their") signatures")
        } else {
            problems.forEach { Output.line($0) }
        }
        if !problems.isEmpty { throw OperationalFailure(message: "\(problems.count) problem\(problems.count == 1 ? "" : "s") found") }
    }
}
