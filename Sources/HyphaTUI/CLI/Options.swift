import ArgumentParser
import Foundation
import HyphaEngine

/// `--data-dir`: where a node keeps its config and database.
struct DataDirectoryOption: ParsableArguments {
    @Option(name: .customLong("data-dir"),
            help: ArgumentHelp("The node's data directory.", discussion: "Default: $XDG_DATA_HOME/hypha, else ~/.local/share/hypha.", valueName: "dir"))
    var path: String?

    func resolved() -> URL {
        if let path { return URL(fileURLWithPath: path) }
        return DataDirectoryOption.defaultDirectory()
    }

    static func defaultDirectory(environment: [String: String] = ProcessInfo.processInfo.environment) -> URL {
        if let xdg = environment["XDG_DATA_HOME"], !xdg.isEmpty {
            return URL(fileURLWithPath: xdg).appendingPathComponent("hypha")
        }
        let home = environment["HOME"] ?? NSHomeDirectory()
        return URL(fileURLWithPath: home).appendingPathComponent(".local/share/hypha")
    }
}

/// `--passphrase-file` (or `HYPHA_PASSPHRASE_FILE`); otherwise the terminal, without echo.
struct PassphraseOptions: ParsableArguments {
    @Option(name: .customLong("passphrase-file"),
            help: ArgumentHelp("Read the passphrase from this file instead of the terminal.",
                               discussion: "HYPHA_PASSPHRASE_FILE does the same. The file's first line is used.",
                               valueName: "file"))
    var passphraseFile: String?

    /// The file named by the option or the environment, if any.
    func file(environment: [String: String] = ProcessInfo.processInfo.environment) -> String? {
        if let passphraseFile { return passphraseFile }
        if let env = environment["HYPHA_PASSPHRASE_FILE"], !env.isEmpty { return env }
        return nil
    }

    /// Reads the passphrase into guarded memory.
    func read(prompt: String = "Passphrase: ") throws -> SecureBytes {
        if let path = file() { return try PassphraseReader.read(file: path) }
        return try PassphraseReader.readFromTerminal(prompt: prompt)
    }
}

/// `--domain`.
struct DomainOption: ParsableArguments {
    @Option(name: .customLong("domain"), help: ArgumentHelp("Your domain, the salt of your keys (for example example.org). Case does not matter: it is used in lower case.", valueName: "domain"))
    var domain: String

    func canonical() throws -> String { try Domain.canonicalise(domain) }
}

/// `--json`.
struct JSONOption: ParsableArguments {
    @Flag(name: .customLong("json"), help: "Print JSON instead of text.")
    var enabled = false
}

/// `--replaces ID[,ID…]`: the versions a write replaces.
struct ReplacesOption: ParsableArguments {
    @Option(name: .customLong("replaces"),
            help: ArgumentHelp("The versions of KEY this write replaces, comma-separated (ids as `hypha get KEY --json` shows them).",
                               discussion: "Without it: every version this node holds now. Name the versions you read: a version written meanwhile on another device then stays, as a conflict, instead of being overwritten. An empty list replaces nothing.",
                               valueName: "id,…"))
    var list: String?

    /// nil when not given; the version ids as typed otherwise (checked where the write is made).
    var ids: [String]? {
        list.map { $0.split(separator: ",").map { String($0).trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty } }
    }
}

/// `--prefix`, for the commands that walk entries.
struct PrefixOption: ParsableArguments {
    @Option(name: .customLong("prefix"), help: ArgumentHelp("Only keys starting with this.", valueName: "prefix"))
    var value: String = ""
}
