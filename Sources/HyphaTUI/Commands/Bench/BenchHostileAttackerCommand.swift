import ArgumentParser
import Foundation

/// `hypha bench hostile-attacker`: the attacker pool of `hypha bench hostile`, run by it as a
/// separate process. Not for direct use; it only ever targets 127.0.0.1.
struct BenchHostileAttackerCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "hostile-attacker", shouldDisplay: false)

    @Option var port: Int
    @Option var connections: Int = 1000
    @Option var seconds: Double = 15
    @Option var sources: Int = 64
    @Option(help: "Comma-separated: half-frame, idle, storm.") var kinds: String = "half-frame,idle,storm"
    @OptionGroup var json: JSONOption

    func validate() throws {
        guard (1...65535).contains(port), (1...100_000).contains(connections), seconds > 0, seconds <= 600 else {
            throw ValidationError("bad port, connection count or duration")
        }
        guard !parsedKinds.isEmpty, parsedKinds.count == kinds.split(separator: ",").count else {
            throw ValidationError("--kinds takes half-frame, idle and storm")
        }
    }

    private var parsedKinds: [AttackerPool.Kind] { kinds.split(separator: ",").compactMap { AttackerPool.Kind(rawValue: String($0)) } }

    func run() throws {
        // A parent that ignores SIGTERM (a test process running the app in-process) passes that
        // on; the attacker must stop when told.
        signal(SIGTERM, SIG_DFL)
        signal(SIGINT, SIG_DFL)
        FileDescriptorLimit.raiseToHardLimit()
        let pool = try AttackerPool(port: port, sources: sources, seconds: seconds)
        try Output.json(["event": "started"])
        let counts = pool.run(connections: connections, kinds: parsedKinds)
        // Counted until the deadline; connections still open then wind down afterwards.
        try Output.json(["event": "done", "seconds": seconds, "opened": counts.opened,
                         "connectFailures": counts.connectFailures, "handled": counts.handled])
    }
}
