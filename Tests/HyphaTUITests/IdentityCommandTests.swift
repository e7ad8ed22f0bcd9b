import Foundation
import Testing

/// `hypha id` and `hypha new` as a person or a script runs them.
@Suite struct IdentityCommandTests {
    static let golden = "6d5834187da6611b86a9f2f2c7381cfc2cabd849ad81139d994d61c894cb9c2e"
    static let passphrase = "abacus abdomen abdominal abide abiding ability ablaze able"

    @Test func idPrintsTheGoldenDatabaseId() throws {
        let dir = TemporaryDirectory()
        let file = dir.file("pw", Self.passphrase + "\n")
        let text = try HyphaProcess.run(["id", "--domain", "example.org", "--passphrase-file", file])
        #expect(text.status == 0)
        #expect(text.stdout == Self.golden + "\n")
        let json = try HyphaProcess.run(["id", "--domain", "Example.ORG.", "--json"], environment: ["HYPHA_PASSPHRASE_FILE": file])
        #expect(json.status == 0)
        let object = try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [String: String]
        #expect(object?["database"] == Self.golden)
        #expect(object?["domain"] == "example.org")
    }

    @Test func newGeneratesAPassphraseWhoseIdMatches() throws {
        let home = TemporaryDirectory()
        let created = try HyphaProcess.run(["new", "--domain", "example.org", "--json", "--data-dir", home.path("node")])
        #expect(created.status == 0)
        let object = try #require(try JSONSerialization.jsonObject(with: Data(created.stdout.utf8)) as? [String: String])
        let phrase = try #require(object["passphrase"])
        #expect(phrase.split(separator: " ").count == 8)
        let dir = TemporaryDirectory()
        let derived = try HyphaProcess.run(["id", "--domain", "example.org", "--passphrase-file", dir.file("pw", phrase)])
        #expect(derived.stdout == (object["database"] ?? "") + "\n")
    }

    /// Every refusal: exit 1, exactly one line on stderr, nothing on stdout (never a key).
    @Test(arguments: [
        ("abacuss abdomen abdominal abide abiding ability", "'abacuss' is not in the EFF wordlist (did you mean 'abacus'?)"),
        ("abacus abdomen abdominal abide abiding", "the passphrase has 5 words; at least 6 are needed"),
        ("abacus \u{1B}[2J abdomen abdominal abide abiding ability", "control character (0x1B)"),
        ("<10 KB of words>", "at most 1024 are accepted"),
    ])
    func badPassphraseIsRefusedWithOneLine(input: String, message: String) throws {
        let dir = TemporaryDirectory()
        let text = input == "<10 KB of words>" ? String(repeating: "abacus ", count: 1500) : input
        let result = try HyphaProcess.run(["id", "--domain", "example.org", "--passphrase-file", dir.file("pw", text)])
        #expect(result.status == 1)
        #expect(result.stdout.isEmpty)
        #expect(result.stderrLines.count == 1)
        #expect(result.stderr.contains(message))
        #expect(result.stderr.hasPrefix("hypha: "))
    }

    @Test(arguments: [("", "the domain is empty"), ("exa mple.org", "contains ' '"), ("https://example.org/", "looks like a URL")])
    func badDomainIsRefusedWithOneLine(domain: String, message: String) throws {
        let dir = TemporaryDirectory()
        let result = try HyphaProcess.run(["id", "--domain", domain, "--passphrase-file", dir.file("pw", Self.passphrase)])
        #expect(result.status == 1)
        #expect(result.stdout.isEmpty)
        #expect(result.stderrLines.count == 1)
        #expect(result.stderr.contains(message))
    }

    @Test func missingPassphraseFileIsRefused() throws {
        let result = try HyphaProcess.run(["id", "--domain", "example.org", "--passphrase-file", "/nonexistent/pw"])
        #expect(result.status == 1)
        #expect(result.stdout.isEmpty)
        #expect(result.stderrLines.count == 1)
        #expect(result.stderr.contains("cannot read the passphrase file '/nonexistent/pw'"))
    }

    @Test func usageErrorsExitWithTwo() throws {
        #expect(try HyphaProcess.run(["id"]).status == 2)
        #expect(try HyphaProcess.run(["id", "--domain", "example.org", "--no-such-flag"]).status == 2)
        #expect(try HyphaProcess.run(["no-such-command"]).status == 2)
    }

    @Test func helpExitsWithZero() throws {
        let help = try HyphaProcess.run(["id", "--help"])
        #expect(help.status == 0)
        #expect(help.stdout.contains("--passphrase-file"))
        // Help text is wrapped to the terminal: compare with whitespace collapsed.
        let words = help.stdout.split(whereSeparator: \.isWhitespace).joined(separator: " ")
        #expect(words.contains("Case does not matter: it is used in lower case."))
    }
}
