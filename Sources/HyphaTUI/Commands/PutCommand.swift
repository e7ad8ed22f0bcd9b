import ArgumentParser
import Foundation
import HyphaEngine

/// `hypha put KEY VALUE` (or `put KEY -`, `put KEY --value-file F`).
struct PutCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "put",
        abstract: "Set KEY to VALUE (a signed entry in this node's log).",
        discussion: """
        VALUE on the command line is visible to other users of this machine while the command \
        runs (in its process list); for secrets give `-` to read the value from standard input, \
        or --value-file F. When a node runs on the data directory (the app, serve, join), the \
        write goes through it: no passphrase needed, and its peers get the write at once.
        """
    )

    @OptionGroup var dataDirectory: DataDirectoryOption
    @OptionGroup var passphrase: PassphraseOptions
    @OptionGroup var replaces: ReplacesOption
    @Argument(help: "The key (text, at most 1024 bytes).") var key: String
    @Argument(help: ArgumentHelp("The value (text); - reads it from standard input.", valueName: "value")) var value: String?
    @Option(name: .customLong("value-file"), help: ArgumentHelp("Read the value from this file.", valueName: "file")) var valueFile: String?

    func validate() throws {
        if value != nil && valueFile != nil { throw ValidationError("give the value once: as an argument, - (standard input) or --value-file") }
        if value == nil && valueFile == nil { throw ValidationError("missing the value: give it as an argument, - (standard input) or --value-file F") }
    }

    func run() throws {
        let bytes = try ValueInput.read(argument: value, file: valueFile)
        let source = try EntrySources.open(dataDirectory, passphrase: passphrase)
        try source.write([PendingChange(key: try KeyText.normalised(key), value: bytes, replaces: replaces.ids)])
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
        let key = try KeyText.normalised(self.key)
        let source = try EntrySources.open(dataDirectory, passphrase: passphrase)
        guard let entry = try source.entry(key), !entry.isDeleted else { throw NodeError.noSuchEntry(key) }
        try source.write([PendingChange(key: key, value: nil, replaces: replaces.ids)])
    }
}

/// Where a value comes from: the argument, standard input (`-`) or a file; at most 512 KiB.
enum ValueInput {
    static func read(argument: String?, file: String?) throws -> [UInt8] {
        let bytes: [UInt8]
        if let file {
            guard let data = FileManager.default.contents(atPath: file) else {
                throw OperationalFailure(message: "cannot read \(file)")
            }
            bytes = [UInt8](data)
        } else if argument == "-" {
            bytes = [UInt8](FileHandle.standardInput.readDataToEndOfFile())
        } else {
            bytes = Array((argument ?? "").utf8)
        }
        guard bytes.count <= EntryLimits.maxValueBytes else { throw NodeError.valueTooLarge(bytes.count) }
        return bytes
    }
}

/// Keys as typed, in Unicode NFC (so that "é" typed as one or two code points is one key).
enum KeyText {
    static func normalised(_ key: String) throws -> String {
        let nfc = key.precomposedStringWithCanonicalMapping
        try HyphaDatabase.validate(key: nfc)
        return nfc
    }
}
