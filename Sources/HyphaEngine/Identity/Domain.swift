/// Domain canonicalisation for key derivation v1: lower-case ASCII LDH labels, one trailing dot
/// stripped, surrounding whitespace ignored; anything else is refused with a reason.
public enum Domain {
    public static func canonicalise(_ input: String) throws -> String {
        var text = input.trimmingWhitespace()
        guard !text.isEmpty else { throw InputError.domainEmpty }
        if text.contains("://") || text.contains("/") || text.contains("@") || text.contains(":") {
            throw InputError.domainLooksLikeURL(input)
        }
        guard text.unicodeScalars.allSatisfy({ $0.isASCII }) else { throw InputError.domainNonASCII(input) }
        text = text.lowercased()
        if text.hasSuffix(".") { text.removeLast() }
        guard !text.isEmpty else { throw InputError.domainEmpty }
        guard text.count <= 253 else { throw InputError.domainTooLong(text.count) }
        let labels = text.split(separator: ".", omittingEmptySubsequences: false)
        for label in labels {
            guard !label.isEmpty else { throw InputError.domainEmptyLabel(input) }
            guard label.count <= 63 else { throw InputError.domainLabelTooLong(String(label)) }
            if let bad = label.first(where: { !($0.isLetter || $0.isNumber || $0 == "-") || !$0.isASCII }) {
                throw InputError.domainInvalidCharacter(label: String(label), character: bad)
            }
            if label.hasPrefix("-") || label.hasSuffix("-") { throw InputError.domainLabelHyphen(String(label)) }
        }
        return text
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
