import ArgumentParser
import HyphaEngine

/// `hypha put KEY VALUE`.
struct PutCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "put", abstract: "Set KEY to VALUE (a signed entry in this node's log).")

    @OptionGroup var dataDirectory: DataDirectoryOption
    @OptionGroup var passphrase: PassphraseOptions
    @OptionGroup var replaces: ReplacesOption
    @Argument(help: "The key (text, at most 1024 bytes).") var key: String
    @Argument(help: "The value (text).") var value: String

    func run() throws {
        var session = try NodeSession(dataDirectory: dataDirectory)
        defer { session.close() }
        try session.unlock(with: passphrase)
        try session.database.write([.put(key: key, value: Array(value.utf8), replaces: try replaces.resolve(in: session.database))])
    }
}

/// `hypha del KEY`.
struct DeleteCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "del", abstract: "Delete KEY (a tombstone that replicates like any write).")

    @OptionGroup var dataDirectory: DataDirectoryOption
    @OptionGroup var passphrase: PassphraseOptions
    @OptionGroup var replaces: ReplacesOption
    @Argument(help: "The key to delete.") var key: String

    func run() throws {
        var session = try NodeSession(dataDirectory: dataDirectory)
        defer { session.close() }
        try session.unlock(with: passphrase)
        guard let entry = try session.database.entry(key), !entry.isDeleted else { throw NodeError.noSuchEntry(key) }
        try session.database.write([.delete(key: key, replaces: try replaces.resolve(in: session.database))])
    }
}
