import ArgumentParser

/// `hypha bench`: the quality-bar measurements (results go in docs/BENCHMARKS.md).
struct BenchCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench",
        abstract: "Measure Hypha against its quality bars (run a release build for real numbers).",
        subcommands: [BenchLocalCommand.self, BenchSyncCommand.self, BenchIngestCommand.self, BenchTUICommand.self, BenchCLICommand.self,
                      BenchHostileCommand.self, BenchHostileAttackerCommand.self, BenchAmplificationCommand.self]
    )
}
