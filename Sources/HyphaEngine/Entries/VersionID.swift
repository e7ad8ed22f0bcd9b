/// A version of a key: the data operation at `index` of `writer`'s log. Stable everywhere (the
/// position of a block in a signed log never changes), shown as `wwwwwwww:N`: the first 8 hex
/// digits of the writer key and the position.
public struct VersionID: Sendable, Hashable, Comparable, CustomStringConvertible {
    public var writer: PublicKey
    public var index: UInt64

    public init(writer: PublicKey, index: UInt64) {
        self.writer = writer
        self.index = index
    }

    public var description: String { "\(writer.shortHex):\(index)" }

    public static func < (a: VersionID, b: VersionID) -> Bool {
        a.writer == b.writer ? a.index < b.index : a.writer < b.writer
    }

    /// Reads `HEX:N` where HEX is a prefix (at least 8 digits) of a key in `writers`, or a whole
    /// key. Throws a one-line error for anything else, an unknown writer or an ambiguous prefix.
    public static func parse(_ text: String, writers: [PublicKey]) throws -> VersionID {
        let parts = text.split(separator: ":", omittingEmptySubsequences: false)
        guard parts.count == 2, let index = UInt64(parts[1]) else { throw VersionIDError.malformed(text) }
        let prefix = parts[0].lowercased()
        guard prefix.count >= 8, prefix.count <= 64, prefix.allSatisfy(\.isHexDigit) else { throw VersionIDError.malformed(text) }
        let matches = writers.filter { $0.hex.hasPrefix(prefix) }
        guard let writer = matches.first else { throw VersionIDError.unknownWriter(text) }
        guard matches.count == 1 else { throw VersionIDError.ambiguous(text) }
        return VersionID(writer: writer, index: index)
    }
}

public enum VersionIDError: UserFacingError, Equatable {
    case malformed(String)
    case unknownWriter(String)
    case ambiguous(String)
    case notAVersionOf(String, key: String)

    public var description: String {
        switch self {
        case let .malformed(text):
            return "'\(Sanitise.forTerminal(text, limit: 80))' is not a version id (expected WRITER:POSITION, as `hypha get KEY --json` shows)"
        case let .unknownWriter(text): return "version \(Sanitise.forTerminal(text, limit: 80)): no such writer in this database"
        case let .ambiguous(text): return "version \(Sanitise.forTerminal(text, limit: 80)) matches several writers: give more hex digits"
        case let .notAVersionOf(text, key):
            return "version \(Sanitise.forTerminal(text, limit: 80)) is not a version of '\(Sanitise.forTerminal(key, limit: 80))' held here"
        }
    }
}
