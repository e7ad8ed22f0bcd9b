// Glibc declares wcwidth only under _XOPEN_SOURCE, which Swift's Glibc module does not set, so the
// symbol is bound by name. Its C signature is `int wcwidth(wchar_t)`; wchar_t is a 32-bit int on
// every platform Swift supports on Linux.
@_silgen_name("wcwidth")
private func libcWcwidth(_ c: Int32) -> Int32

/// How a `Character` is drawn: the glyph that goes in the cell and how many cells it takes.
/// This is the single place that decides widths; ``Buffer`` and ``TextWidth`` both use it.
enum Glyph {
    /// What is drawn instead of control and other unprintable characters.
    static let replacement: Character = "\u{FFFD}"

    /// The glyph and width for `ch`, or nil when it takes no cells (a lone combining mark or
    /// another zero-width grapheme; it is skipped).
    ///
    /// - Control characters (C0, DEL, C1, including "\r\n" and tabs), bidirectional controls,
    ///   zero-width spaces and joiners at the start, and unassigned characters become U+FFFD,
    ///   one cell wide: a terminal never receives them.
    /// - Otherwise the width is libc `wcwidth` of the first scalar (what ncurses uses to move
    ///   the cursor); combining marks after it stay in the same `Character`, so the same cell.
    static func display(_ ch: Character) -> (glyph: Character, width: Int)? {
        #if DEBUG
        WorkCount.current?.measured += 1
        #endif
        let scalars = ch.unicodeScalars
        guard let first = scalars.first else { return nil }
        if scalars.count == 1, first.value >= 0x20, first.value < 0x7F { return (ch, 1) }
        _ = UTF8Locale.prepared
        if scalars.contains(where: isUnprintable) { return (replacement, 1) }
        let w = libcWcwidth(Int32(bitPattern: first.value))
        if w < 0 { return (replacement, 1) }
        if w == 0 { return nil }
        return (ch, Int(min(w, 2)))
    }

    /// Width in cells of `ch` as ``display(_:)`` draws it.
    static func width(_ ch: Character) -> Int {
        display(ch)?.width ?? 0
    }

    /// Scalars that can move the cursor, change terminal state or reorder text.
    private static func isUnprintable(_ s: Unicode.Scalar) -> Bool {
        switch s.value {
        case 0x00...0x1F, 0x7F...0x9F: return true                       // C0, DEL, C1
        case 0x200B, 0x200E, 0x200F, 0x2028...0x202E, 0x2060...0x206F: return true // ZWSP, bidi, separators
        case 0xFEFF, 0xFFF9...0xFFFB: return true
        default: return false
        }
    }
}

#if DEBUG
/// Counts characters measured (``Glyph/display(_:)`` calls) inside `WorkCount.$current.withValue`,
/// so a test can bound how much work an operation does, not how long it takes. Debug builds
/// only; task-local, so tests running in parallel do not count each other's work.
final class WorkCount: @unchecked Sendable {
    @TaskLocal static var current: WorkCount?
    var measured = 0
    init() {}

    static func measuring(_ body: () throws -> Void) rethrows -> Int {
        let count = WorkCount()
        try $current.withValue(count) { try body() }
        return count.measured
    }
}
#endif
