/// Makes strings from the network or from the person inert before they reach a terminal:
/// control characters (C0, DEL, C1), bidirectional overrides and isolates, zero-width
/// characters and line/paragraph separators become U+FFFD, and the result is cut to a
/// number of characters.
public enum Sanitise {
    public static func forTerminal(_ text: String, limit: Int = 64) -> String {
        var out = String.UnicodeScalarView()
        var count = 0
        for scalar in text.unicodeScalars {
            if count >= limit { out.append("…"); break }
            out.append(isDangerous(scalar) ? "\u{FFFD}" : scalar)
            count += 1
        }
        return String(out)
    }

    /// True for scalars that can move the cursor, change terminal state or reorder text.
    public static func isDangerous(_ scalar: Unicode.Scalar) -> Bool {
        let v = scalar.value
        switch v {
        case 0x00...0x1F, 0x7F...0x9F: return true                 // C0, DEL, C1 (CSI = 0x9B)
        case 0x200B...0x200F, 0x2028...0x202E, 0x2060...0x206F: return true // zero-width, separators, bidi
        case 0xFEFF, 0xFFF9...0xFFFB: return true
        default: return false
        }
    }
}
