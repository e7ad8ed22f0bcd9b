#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Makes sure the C library's character type locale is UTF-8, because ``TextWidth`` (libc
/// `wcwidth`) and ncurses both return nothing useful for non-ASCII text otherwise.
///
/// ``TextWidth`` calls this once on first use, so widths are right in tests and tools. The app
/// should still call `setlocale(LC_ALL, "")` itself before `initscr()` and then
/// ``ensure()`` (which keeps a UTF-8 locale the person chose and only falls back to
/// `C.UTF-8` when theirs is not UTF-8).
public enum UTF8Locale {
    /// True when `LC_CTYPE` is a UTF-8 locale after the call. Not thread-safe with other
    /// `setlocale` callers (C's rule): call it at start-up, before starting threads.
    @discardableResult
    public static func ensure() -> Bool {
        if isUTF8 { return true }
        for name in ["", "C.UTF-8", "C.utf8", "en_US.UTF-8"] {
            if setlocale(LC_CTYPE, name) != nil, isUTF8 { return true }
        }
        return false
    }

    /// Whether the current `LC_CTYPE` code set is UTF-8.
    public static var isUTF8: Bool {
        guard let codeset = nl_langinfo(nl_item(CODESET)) else { return false }
        let name = String(cString: codeset).uppercased()
        return name == "UTF-8" || name == "UTF8"
    }

    /// Runs ``ensure()`` exactly once per process (Swift initialises a static `let` once, atomically).
    static let prepared: Bool = ensure()
}
