/// Domain canonicalisation for key derivation v1 (docs/PROTOCOL.md, "Key derivation v1"):
/// surrounding ASCII whitespace is ignored and the input is case-folded (DNS names are
/// case-insensitive) before the checks; the canonical form is lower-case ASCII LDH labels with one
/// trailing dot stripped. Anything else is refused with a reason.
public enum Domain {
    /// Whitespace ignored around a domain: the same set the passphrase accepts between words.
    static let surroundingWhitespace: Set<Character> = [" ", "\t", "\r", "\n", "\r\n"]

    public static func canonicalise(_ input: String) throws -> String {
        var text = Substring(input)
        while let first = text.first, surroundingWhitespace.contains(first) { text.removeFirst() }
        while let last = text.last, surroundingWhitespace.contains(last) { text.removeLast() }
        guard !text.isEmpty else { throw InputError.domainEmpty }
        if text.contains("://") || text.contains("/") || text.contains("@") || text.contains(":") {
            throw InputError.domainLooksLikeURL(input)
        }
        guard text.unicodeScalars.allSatisfy({ $0.isASCII }) else { throw InputError.domainNonASCII(input) }
        // ASCII only from here on, so this folds exactly A-Z to a-z.
        var folded = text.lowercased()
        if folded.hasSuffix(".") { folded.removeLast() }
        guard !folded.isEmpty else { throw InputError.domainEmpty }
        guard folded.count <= 253 else { throw InputError.domainTooLong(folded.count) }
        let labels = folded.split(separator: ".", omittingEmptySubsequences: false)
        for label in labels {
            guard !label.isEmpty else { throw InputError.domainEmptyLabel(input) }
            guard label.count <= 63 else { throw InputError.domainLabelTooLong(String(label)) }
            if let bad = label.first(where: { !($0.isLetter || $0.isNumber || $0 == "-") || !$0.isASCII }) {
                throw InputError.domainInvalidCharacter(label: String(label), character: bad)
            }
            if label.hasPrefix("-") || label.hasSuffix("-") { throw InputError.domainLabelHyphen(String(label)) }
        }
        return folded
    }
}

extension String {
    func trimmingWhitespace() -> String {
        var scalars = Substring(self)
        while let first = scalars.first, first.isWhitespace { scalars.removeFirst() }
        while let last = scalars.last, last.isWhitespace { scalars.removeLast() }
        return String(scalars)
    }
}
