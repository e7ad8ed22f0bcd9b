/// An error a person can act on: its description is one line, shown as `hypha: <description>`.
/// Every operational failure the engine reports conforms to this; anything else is a bug.
public protocol UserFacingError: Error, CustomStringConvertible, Sendable {}

/// Errors from reading and canonicalising what the person typed.
public enum InputError: UserFacingError, Equatable {
    case passphraseTooLong(bytes: Int, limit: Int)
    case passphraseControlCharacter(byte: UInt8)
    case passphraseNonASCII
    case passphraseUnknownWord(word: String, suggestion: String?)
    case passphraseTooFewWords(count: Int, minimum: Int)
    case domainEmpty
    case domainLooksLikeURL(String)
    case domainNonASCII(String)
    case domainInvalidCharacter(label: String, character: Character)
    case domainEmptyLabel(String)
    case domainLabelHyphen(String)
    case domainLabelTooLong(String)
    case domainTooLong(Int)

    public var description: String {
        switch self {
        case let .passphraseTooLong(bytes, limit):
            return "the passphrase input is \(bytes) bytes long; at most \(limit) are accepted"
        case let .passphraseControlCharacter(byte):
            return "the passphrase contains a control character (0x\(String(byte, radix: 16, uppercase: true))); type only the words"
        case .passphraseNonASCII:
            return "the passphrase contains a non-ASCII character; its words come from the EFF list (a-z and '-')"
        case let .passphraseUnknownWord(word, suggestion):
            let shown = Sanitise.forTerminal(word, limit: 40)
            if let suggestion { return "'\(shown)' is not in the EFF wordlist (did you mean '\(suggestion)'?)" }
            return "'\(shown)' is not in the EFF wordlist"
        case let .passphraseTooFewWords(count, minimum):
            return "the passphrase has \(count) word\(count == 1 ? "" : "s"); at least \(minimum) are needed"
        case .domainEmpty:
            return "the domain is empty; give one such as example.org"
        case let .domainLooksLikeURL(text):
            return "'\(Sanitise.forTerminal(text, limit: 80))' looks like a URL; give just the domain, such as example.org"
        case let .domainNonASCII(text):
            return "the domain '\(Sanitise.forTerminal(text, limit: 80))' has non-ASCII characters; use its ASCII (xn--) form"
        case let .domainInvalidCharacter(label, character):
            return "the domain label '\(Sanitise.forTerminal(label, limit: 63))' contains '\(Sanitise.forTerminal(String(character), limit: 4))'; labels use letters, digits and hyphens"
        case let .domainEmptyLabel(text):
            return "the domain '\(Sanitise.forTerminal(text, limit: 80))' has an empty label"
        case let .domainLabelHyphen(label):
            return "the domain label '\(label)' starts or ends with a hyphen"
        case let .domainLabelTooLong(label):
            return "the domain label '\(label.prefix(20))…' is longer than 63 characters"
        case let .domainTooLong(count):
            return "the domain is \(count) characters long; at most 253 are allowed"
        }
    }
}

/// Failures of the cryptographic layer (out of memory for Argon2id, a refused key).
public enum CryptoError: UserFacingError, Equatable {
    case sodiumUnavailable
    case secureMemoryUnavailable(bytes: Int)
    case keyDerivationFailed
    case invalidKey(String)

    public var description: String {
        switch self {
        case .sodiumUnavailable: return "libsodium could not be initialised"
        case let .secureMemoryUnavailable(bytes): return "could not allocate \(bytes) bytes of guarded memory for a secret"
        case .keyDerivationFailed: return "key derivation failed: Argon2id needs 256 MiB of free memory"
        case let .invalidKey(what): return "invalid key: \(what)"
        }
    }
}
