/// Passphrases as pinned by key derivation v1: words of the EFF large list, canonically
/// lower-case and separated by one ASCII space. Everything here works on guarded memory; the
/// passphrase never becomes a Swift `String`.
public enum Passphrase {
    /// Longest input accepted, in bytes (8 of the longest list words need under 80).
    public static let maximumInputBytes = 1024
    /// Fewest words accepted when signing in.
    public static let minimumWords = 6
    /// Words in a newly generated passphrase (8 × 12.9 bits ≈ 103 bits).
    public static let generatedWords = 8

    /// Canonicalises typed input: case and runs of spaces, tabs and line breaks are tolerated;
    /// any other control byte, non-ASCII byte or word outside the list is refused.
    public static func canonicalise(_ input: SecureBytes, minimumWords: Int = Passphrase.minimumWords,
                                    wordlist: Wordlist? = nil) throws -> SecureBytes {
        let wordlist = try wordlist ?? Wordlist.eff()
        guard input.count <= maximumInputBytes else {
            throw InputError.passphraseTooLong(bytes: input.count, limit: maximumInputBytes)
        }
        // Pass 1: validate bytes, lower-case into a guarded scratch buffer, find word bounds.
        let scratch = try SecureBytes(count: input.count)
        defer { scratch.wipe() }
        var words: [Range<Int>] = []
        try input.withUnsafeBytes { src in
            try scratch.withUnsafeMutableBytes { dst in
                var start: Int?
                for i in 0..<src.count {
                    let b = src[i]
                    if isSeparator(b) {
                        if let s = start { words.append(s..<i); start = nil }
                        continue
                    }
                    if b < 0x20 || b == 0x7F { throw InputError.passphraseControlCharacter(byte: b) }
                    if b >= 0x80 { throw InputError.passphraseNonASCII }
                    dst[i] = (b >= 0x41 && b <= 0x5A) ? b + 0x20 : b
                    if start == nil { start = i }
                }
                if let s = start { words.append(s..<src.count) }
            }
        }
        // Pass 2: every word must be in the list (checked before counting, so a typo is named).
        try scratch.withUnsafeBytes { buffer in
            for range in words {
                let token = UnsafeRawBufferPointer(rebasing: buffer[range])
                if !wordlist.contains(token) {
                    let word = String(decoding: token, as: UTF8.self)
                    throw InputError.passphraseUnknownWord(word: word, suggestion: wordlist.nearest(to: word))
                }
            }
        }
        guard words.count >= minimumWords else {
            throw InputError.passphraseTooFewWords(count: words.count, minimum: minimumWords)
        }
        // Pass 3: join with single spaces into the canonical form.
        let length = words.reduce(0) { $0 + $1.count } + words.count - 1
        let canonical = try SecureBytes(count: length)
        scratch.withUnsafeBytes { src in
            canonical.withUnsafeMutableBytes { dst in
                var at = 0
                for (n, range) in words.enumerated() {
                    if n > 0 { dst[at] = 0x20; at += 1 }
                    for i in range { dst[at] = src[i]; at += 1 }
                }
            }
        }
        return canonical
    }

    /// A new passphrase of `words` list words chosen with `randombytes_uniform(7776)`.
    public static func generate(words count: Int = Passphrase.generatedWords, wordlist: Wordlist? = nil) throws -> SecureBytes {
        try Sodium.ensureInitialised()
        let wordlist = try wordlist ?? Wordlist.eff()
        let chosen = (0..<count).map { _ in Array(wordlist.words[Int(Sodium.randomUniform(UInt32(wordlist.words.count)))].utf8) }
        let length = chosen.reduce(0) { $0 + $1.count } + count - 1
        let out = try SecureBytes(count: length)
        out.withUnsafeMutableBytes { dst in
            var at = 0
            for (n, word) in chosen.enumerated() {
                if n > 0 { dst[at] = 0x20; at += 1 }
                for b in word { dst[at] = b; at += 1 }
            }
        }
        return out
    }

    private static func isSeparator(_ b: UInt8) -> Bool {
        b == 0x20 || b == 0x09 || b == 0x0A || b == 0x0D
    }
}
