import Foundation
import HyphaEngine

/// Keys are text that looks the same however it was typed: the app and every command that takes
/// a KEY store and look it up in Unicode NFC ("é" as one code point, not "e" + U+0301). Keys
/// received from peers are signed as they are and never re-normalised.
enum KeyText {
    static func nfc(_ key: String) -> String { key.precomposedStringWithCanonicalMapping }

    /// `nfc`, then the engine's rules for a key (one line for what is wrong).
    static func normalised(_ key: String) throws -> String {
        let normal = nfc(key)
        try HyphaDatabase.validate(key: normal)
        return normal
    }
}
