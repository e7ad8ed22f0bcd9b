import Foundation
@testable import HyphaEngine

/// A node created with the real `hypha new` in a temporary directory, and a runner for
/// commands against it (the passphrase comes from a file, as scripts do).
// `@unchecked Sendable`: its state is set in init and only read afterwards.
final class NodeFixture: @unchecked Sendable {
    static let words = ["abdominal", "backspace", "cardboard", "supernova", "earphone", "enigmatic", "gallantly", "handiwork"]
    let temp = TemporaryDirectory()
    let passphraseFile: String
    let passphrase: String
    var dataDirectory: String { temp.path("node") }

    init(name: String = "laptop", words: [String] = NodeFixture.words) throws {
        passphrase = words.joined(separator: " ")
        passphraseFile = temp.file("passphrase", passphrase + "\n")
        let created = try run(["new", "--domain", "example.org", "--name", name])
        guard created.status == 0 else { throw FixtureError(message: "new failed: \(created.stderr)") }
    }

    /// Runs `hypha ARGS --data-dir <node>` with the passphrase file in the environment.
    @discardableResult
    func run(_ arguments: [String], stdin: String? = nil) throws -> HyphaProcess.Result {
        try HyphaProcess.run(arguments + ["--data-dir", dataDirectory],
                             environment: ["HYPHA_PASSPHRASE_FILE": passphraseFile], stdin: stdin)
    }

    var config: NodeConfig { get throws { try DataDirectory(URL(fileURLWithPath: dataDirectory)).loadConfig() } }

    struct FixtureError: Error { var message: String }
}
