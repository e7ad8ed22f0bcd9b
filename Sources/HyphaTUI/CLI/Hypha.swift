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
        subcommands: [
            NewCommand.self, IdCommand.self, PutCommand.self, GetCommand.self, DeleteCommand.self, ListCommand.self,
            ImportCommand.self, ExportCommand.self, NodesCommand.self, RevokeCommand.self, LogCommand.self, CheckCommand.self,
            ServeCommand.self, JoinCommand.self, RequestsCommand.self, AuthoriseCommand.self, DenyCommand.self, PeersCommand.self,
            BenchCommand.self,
        ]
    )

    @OptionGroup var dataDirectory: DataDirectoryOption
    @OptionGroup var network: NetworkOptions

    mutating func run() throws {
        for peer in network.peers { _ = try PeerAddress(parsing: peer) }
        if let listen = network.listen { _ = try ListenAddress(parsing: listen) }
        try AppLauncher.open(dataDirectory: dataDirectory.resolved(),
                             backend: NetworkBackend(listen: network.listen, peers: network.peers),
                             joinPeer: network.peers.first)
    }
}
