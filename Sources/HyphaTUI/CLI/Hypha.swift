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
        version: "hypha \(Hypha.version)",
        subcommands: [
            NewCommand.self, IdCommand.self, PutCommand.self, GetCommand.self, DeleteCommand.self, ListCommand.self,
            ImportCommand.self, ExportCommand.self, NodesCommand.self, RevokeCommand.self, LogCommand.self, CheckCommand.self,
            ServeCommand.self, JoinCommand.self, RequestsCommand.self, AuthoriseCommand.self, DenyCommand.self, PeersCommand.self,
            WatchCommand.self, HistoryCommand.self, RestoreCommand.self, RekeyCommand.self, FollowCommand.self, PredecessorsCommand.self, BenchCommand.self,
        ]
    )

    /// This program's version (entry formats 1–2, wire protocol 1, key derivation v1).
    static let version = "0.9.0"

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
