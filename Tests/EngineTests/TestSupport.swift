import HyphaEngine

extension SecureBytes {
    /// Hex of a secret, for known-answer comparisons in tests only.
    var testHex: String { withUnsafeBytes { Hex.encode(Array($0)) } }

    static func from(_ text: String) -> SecureBytes { try! SecureBytes(copying: Array(text.utf8)) }
}

func hex(_ text: String) -> [UInt8] { Hex.decode(text)! }
