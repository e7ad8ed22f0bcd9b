/// The six-digit code both nodes show for one authorisation request, formatted "NNN-NNN".
/// `h = BLAKE2b-256("hypha/code/v1" ‖ databaseID ‖ requestID ‖ deviceKey)`; read `h` as eight
/// little-endian u32 words and take the first word below 4,294,000,000 (the largest multiple of
/// 1,000,000 under 2^32), modulo 1,000,000: uniform, with no modulo bias. If all eight are
/// above (probability about 2^-97), `h = BLAKE2b-256(h)` and repeat.
public struct VerificationCode: Hashable, Sendable, CustomStringConvertible {
    public static let label: [UInt8] = Array("hypha/code/v1".utf8)
    static let modulus: UInt32 = 1_000_000
    static let acceptBelow: UInt32 = 4_294_000_000

    /// 0 ..< 1,000,000.
    public let value: UInt32

    public init(databaseID: DatabaseID, requestID: RequestID, deviceKey: PublicKey) {
        var digest = Blake2b.hash(Self.label, databaseID.bytes, requestID.bytes, deviceKey.bytes, outputLength: 32)
        while true {
            var reader = BinaryReader(digest)
            while let word = try? reader.u32() {
                if word < Self.acceptBelow {
                    value = word % Self.modulus
                    return
                }
            }
            digest = Blake2b.hash(digest, outputLength: 32)
        }
    }

    /// Parses what a person types: six digits, optionally split by one '-' or space after three.
    public init?(parsing text: String) {
        var digits = Array(text.trimmingWhitespace().utf8)
        if digits.count == 7, digits[3] == UInt8(ascii: "-") || digits[3] == UInt8(ascii: " ") { digits.remove(at: 3) }
        guard digits.count == 6, digits.allSatisfy({ $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") }) else { return nil }
        value = digits.reduce(UInt32(0)) { $0 * 10 + UInt32($1 - UInt8(ascii: "0")) }
    }

    /// "NNN-NNN", zero-padded.
    public var formatted: String {
        let digits = String(value)
        let padded = String(repeating: "0", count: 6 - digits.count) + digits
        return "\(padded.prefix(3))-\(padded.suffix(3))"
    }

    public var description: String { formatted }
}
