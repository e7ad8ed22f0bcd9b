import ArgumentParser
import Foundation
import HyphaEngine

/// `hypha import [FILE|-]`: JSON Lines of {"key": …, "value": …}, signed in batches.
struct ImportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "import",
        abstract: "Import JSON Lines ({\"key\": …, \"value\": …} per line) from FILE or standard input.",
        discussion: """
        Every line is checked before anything is written; a bad line stops the import with its \
        line number and nothing is written. Entries are then written in signed batches; after \
        each committed batch "imported N of M" is printed on standard error, so an interrupted \
        import has durably written exactly the batches it reported.
        """
    )

    @OptionGroup var dataDirectory: DataDirectoryOption
    @OptionGroup var passphrase: PassphraseOptions
    @Option(name: .customLong("batch"), help: "Entries per signed batch (1–4096).") var batch: Int = 2000
    @Argument(help: ArgumentHelp("JSON Lines file, or - for standard input.", valueName: "file")) var file: String = "-"

    func validate() throws {
        guard (1...HyphaDatabase.maxBatchEntries).contains(batch) else {
            throw ValidationError("--batch must be between 1 and \(HyphaDatabase.maxBatchEntries)")
        }
    }

    func run() throws {
        let node = RunningNode.connect(dataDirectory)
        if file == "-" && passphrase.file() == nil && node == nil {
            throw OperationalFailure(message: "reading entries from standard input needs --passphrase-file (or HYPHA_PASSPHRASE_FILE)")
        }
        let changes = try JSONLines.parse(readInput())
        let source: EntrySource = try node.map(NodeEntrySource.init) ?? DirectEntrySource(dataDirectory, passphrase: passphrase)
        var done = 0
        while done < changes.count {
            let slice = Array(changes[done..<min(changes.count, done + batch)])
            try source.write(slice)
            done += slice.count
            Output.note("imported \(done) of \(changes.count)")
        }
        Output.line("imported \(done) entries")
    }

    private func readInput() throws -> Data {
        if file == "-" { return FileHandle.standardInput.readDataToEndOfFile() }
        guard let data = FileManager.default.contents(atPath: file) else {
            throw OperationalFailure(message: "cannot read '\(Sanitise.forTerminal(file, limit: 200))'")
        }
        return data
    }
}

/// Parsing and validating JSON Lines input before anything is written.
enum JSONLines {
    static func parse(_ data: Data) throws -> [PendingChange] {
        var changes: [PendingChange] = []
        var lineNumber = 0
        for rawLine in data.split(separator: 0x0A, omittingEmptySubsequences: false) {
            lineNumber += 1
            let line = rawLine.last == 0x0D ? rawLine.dropLast() : rawLine
            if line.allSatisfy({ $0 == 0x20 || $0 == 0x09 }) { continue }
            guard let object = try? JSONSerialization.jsonObject(with: Data(line)) as? [String: Any] else {
                throw OperationalFailure(message: "line \(lineNumber): not a JSON object; nothing was imported")
            }
            guard let typed = object["key"] as? String, let value = object["value"] as? String else {
                throw OperationalFailure(message: "line \(lineNumber): needs string \"key\" and \"value\"; nothing was imported")
            }
            let key: String
            do {
                key = try KeyText.normalised(typed)
            } catch {
                throw OperationalFailure(message: "line \(lineNumber): \(error); nothing was imported")
            }
            guard value.utf8.count <= EntryLimits.maxValueBytes else {
                throw OperationalFailure(message: "line \(lineNumber): \(NodeError.valueTooLarge(value.utf8.count)); nothing was imported")
            }
            changes.append(PendingChange(key: key, value: Array(value.utf8), replaces: nil))
        }
        return changes
    }
}
