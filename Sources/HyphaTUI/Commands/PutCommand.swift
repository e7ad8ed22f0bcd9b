import ArgumentParser
import Foundation
import HyphaEngine

/// Keys are text that looks the same however it was typed: every command that takes a KEY
/// stores and looks it up in Unicode NFC ("é" as one code point, not "e" + U+0301), as the app does.
enum KeyInput {
    static func normalised(_ key: String) -> String { key.precomposedStringWithCanonicalMapping }

    /// Runs a write; a device that was revoked says so instead of "not authorised to write yet".
    static func writing(_ session: NodeSession, _ body: () throws -> Void) throws {
        do {
            try body()
        } catch NodeError.notWritable {
            if let device = session.keys?.device?.publicKey, let revoked = try? session.database.revocation(of: device) {
                throw revoked
            }
            throw NodeError.notWritable
        }
    }
}

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
        let key = KeyInput.normalised(key)
        try KeyInput.writing(session) {
            try session.database.write([.put(key: key, value: Array(value.utf8), replaces: try replaces.resolve(in: session.database))])
        }
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
        let key = KeyInput.normalised(key)
        guard let entry = try session.database.entry(key), !entry.isDeleted else { throw NodeError.noSuchEntry(key) }
        try KeyInput.writing(session) {
            try session.database.write([.delete(key: key, replaces: try replaces.resolve(in: session.database))])
        }
    }
}
