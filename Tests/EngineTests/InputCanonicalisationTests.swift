import Testing
@testable import HyphaEngine

@Suite struct PassphraseTests {
    func canonical(_ text: String, minimum: Int = 6) throws -> String {
        try Passphrase.canonicalise(.from(text), minimumWords: minimum).withUnsafeBytes { String(decoding: $0, as: UTF8.self) }
    }

    @Test func toleratesCaseAndWhitespace() throws {
        #expect(try canonical("  Abacus\tABDOMEN  abdominal\r\nabide   abiding ability\n")
                == "abacus abdomen abdominal abide abiding ability")
    }

    @Test func acceptsHyphenatedListWords() throws {
        #expect(try canonical("yo-yo t-shirt drop-down felt-tip zoom abacus") == "yo-yo t-shirt drop-down felt-tip zoom abacus")
    }

    @Test func namesAnUnknownWordAndSuggestsTheNearest() {
        #expect(throws: InputError.passphraseUnknownWord(word: "abacuss", suggestion: "abacus")) {
            try canonical("abacuss abdomen abdominal abide abiding ability")
        }
        let message = InputError.passphraseUnknownWord(word: "abacuss", suggestion: "abacus").description
        #expect(message == "'abacuss' is not in the EFF wordlist (did you mean 'abacus'?)")
    }

    @Test func refusesFewerThanSixWords() {
        #expect(throws: InputError.passphraseTooFewWords(count: 5, minimum: 6)) {
            try canonical("abacus abdomen abdominal abide abiding")
        }
    }

    @Test func refusesControlCharacters() {
        #expect(throws: InputError.passphraseControlCharacter(byte: 0x1B)) {
            try canonical("abacus \u{1B}[2J abdomen abdominal abide abiding ability")
        }
        #expect(throws: InputError.passphraseControlCharacter(byte: 0x00)) {
            try canonical("abacus\u{0}abdomen abdominal abide abiding ability")
        }
    }

    @Test func refusesNonASCIIHomoglyphs() {
        // Cyrillic "а" in "аbacus".
        #expect(throws: InputError.passphraseNonASCII) { try canonical("\u{430}bacus abdomen abdominal abide abiding ability") }
    }

    @Test func refusesTenKilobytes() {
        let huge = String(repeating: "abacus ", count: 1500)
        #expect(throws: InputError.passphraseTooLong(bytes: huge.utf8.count, limit: 1024)) { try canonical(huge) }
    }

    @Test func generatesEightListWords() throws {
        let a = try Passphrase.generate().withUnsafeBytes { String(decoding: $0, as: UTF8.self) }
        let b = try Passphrase.generate().withUnsafeBytes { String(decoding: $0, as: UTF8.self) }
        let words = a.split(separator: " ")
        #expect(words.count == 8)
        let wordlist = try Wordlist.eff()
        #expect(words.allSatisfy { wordlist.contains(String($0)) })
        #expect(a != b)
        #expect(try canonical(a, minimum: 8) == a)
    }

    @Test func bundledWordlistIsTheEFFList() throws {
        let words = try Wordlist.eff().words
        #expect(words.count == 7776)
        #expect(words.first == "abacus")
        #expect(words.last == "zoom")
        #expect(words.filter { $0.contains("-") }.sorted() == ["drop-down", "felt-tip", "t-shirt", "yo-yo"])
    }
}

@Suite struct DomainTests {
    @Test func canonicalisesCaseWhitespaceAndOneTrailingDot() throws {
        #expect(try Domain.canonicalise("Example.ORG.") == "example.org")
        #expect(try Domain.canonicalise("  example.org\t") == "example.org")
        #expect(try Domain.canonicalise("xn--bcher-kva.example") == "xn--bcher-kva.example")
    }

    /// Case is folded before the checks, so upper case is never refused and never reaches the salt.
    @Test func foldsCaseBeforeTheChecks() throws {
        #expect(try Domain.canonicalise("EXAMPLE.ORG") == "example.org")
        #expect(try Domain.canonicalise("Xn--Bcher-KVA.Example") == "xn--bcher-kva.example")
        #expect(try Domain.canonicalise("\r\nMy-Host.Example.\n") == "my-host.example")
        #expect(throws: InputError.domainLabelHyphen("-bad")) { try Domain.canonicalise("-BAD.org") }
    }

    /// Only ASCII whitespace (space, tab, CR, LF) is ignored around a domain, as between passphrase
    /// words; other Unicode spaces are non-ASCII and refused.
    @Test func ignoresOnlyASCIIWhitespaceAround() {
        #expect(throws: InputError.domainNonASCII("example.org\u{00A0}")) { try Domain.canonicalise("example.org\u{00A0}") }
        #expect(throws: InputError.domainNonASCII("\u{2003}example.org")) { try Domain.canonicalise("\u{2003}example.org") }
        #expect(throws: InputError.domainNonASCII("example.org\u{3000}")) { try Domain.canonicalise("example.org\u{3000}") }
    }

    @Test func refusesWhatIsNotADomain() {
        #expect(throws: InputError.domainEmpty) { try Domain.canonicalise("") }
        #expect(throws: InputError.domainEmpty) { try Domain.canonicalise("  ") }
        #expect(throws: InputError.domainLooksLikeURL("https://example.org/")) { try Domain.canonicalise("https://example.org/") }
        #expect(throws: InputError.domainEmptyLabel("example..org")) { try Domain.canonicalise("example..org") }
        #expect(throws: InputError.domainInvalidCharacter(label: "exa mple", character: " ")) { try Domain.canonicalise("exa mple.org") }
        #expect(throws: InputError.domainNonASCII("bücher.example")) { try Domain.canonicalise("bücher.example") }
        #expect(throws: InputError.domainLabelHyphen("-bad")) { try Domain.canonicalise("-bad.org") }
        #expect(throws: InputError.domainEmptyLabel("example.org..")) { try Domain.canonicalise("example.org..") }
    }
}

@Suite struct SanitiseTests {
    @Test func neutralisesTerminalControlSequences() {
        #expect(Sanitise.forTerminal("\u{1B}[2Jlaptop") == "\u{FFFD}[2Jlaptop")
        #expect(Sanitise.forTerminal("a\u{1B}]0;pwned\u{07}b") == "a\u{FFFD}]0;pwned\u{FFFD}b")
        #expect(Sanitise.forTerminal("evil\u{202E}txt") == "evil\u{FFFD}txt")
        #expect(Sanitise.forTerminal("x\u{9B}31m") == "x\u{FFFD}31m")
        #expect(Sanitise.forTerminal("café 日本") == "café 日本")
        #expect(Sanitise.forTerminal(String(repeating: "a", count: 100), limit: 10) == String(repeating: "a", count: 10) + "…")
    }
}
