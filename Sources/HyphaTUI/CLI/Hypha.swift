import ArgumentParser
import HyphaEngine

/// `hypha`: with no subcommand it opens the full-screen app on the data directory.
struct Hypha: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "hypha",
        abstract: "A personal peer-to-peer multiwriter database with a full-screen terminal UI.",
        discussion: """
        Run without a subcommand to open the full-screen app on the data directory. \
        Passphrases are read from the terminal without echo, or from --passphrase-file \
        (or HYPHA_PASSPHRASE_FILE), never from the command line.

        Exit status: 0 success, 1 operational failure (one-line error on stderr), 2 usage error.
        """,
        subcommands: [IdCommand.self, NewCommand.self, PutCommand.self, GetCommand.self, DeleteCommand.self, TUIBenchGroup.self]
    )

    @OptionGroup var dataDirectory: DataDirectoryOption

    mutating func run() throws {
        try AppLauncher.open(dataDirectory: dataDirectory.resolved())
    }
}
