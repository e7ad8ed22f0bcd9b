import ArgumentParser

/// A database id as options take it: the 64 hex digits or a prefix of at least 8.
enum DatabaseIDPrefix {
    static func validate(_ text: String?, option: String) throws {
        guard let text else { return }
        if text.count < 8 || text.count > 64 || !text.allSatisfy(\.isHexDigit) {
            throw ValidationError("\(option) takes a database id or a prefix of at least 8 hex digits")
        }
    }
}
