/// The editing keys shared by ``TextFieldState`` and ``TextEditorState`` (readline/Emacs style).
enum EditCommand: Sendable, Hashable {
    case insert(Character)
    case backspace, deleteForward, left, right, lineStart, lineEnd
    case wordLeft, wordRight, deleteWordBackward, deleteWordForward, deleteToStart, deleteToEnd

    /// Arrows, Home/End, Backspace/Delete, Ctrl-A/E/B/F/D/H, Ctrl-W and Alt-Backspace (delete a
    /// word), Ctrl-U/K (delete to start/end), Alt-B/F (move by word), Alt-D (delete next word).
    init?(_ key: Key) {
        switch key {
        case .char(let ch): self = .insert(ch)
        case .backspace, .ctrl("h"): self = .backspace
        case .delete, .ctrl("d"): self = .deleteForward
        case .left, .ctrl("b"): self = .left
        case .right, .ctrl("f"): self = .right
        case .home, .ctrl("a"): self = .lineStart
        case .end, .ctrl("e"): self = .lineEnd
        case .alt("b"): self = .wordLeft
        case .alt("f"): self = .wordRight
        case .ctrl("w"), .alt("\u{7F}"), .alt("\u{08}"): self = .deleteWordBackward
        case .alt("d"): self = .deleteWordForward
        case .ctrl("u"): self = .deleteToStart
        case .ctrl("k"): self = .deleteToEnd
        default: return nil
        }
    }
}

/// Editing operations on one line of characters with a cursor (an index between characters).
/// ``TextFieldState`` is one of these; ``TextEditorState`` uses one for its current line.
struct LineEditor: Sendable, Hashable {
    var chars: [Character]
    /// 0...chars.count
    var cursor: Int

    init(_ chars: [Character] = [], cursor: Int? = nil) {
        self.chars = chars
        self.cursor = min(max(0, cursor ?? chars.count), chars.count)
    }

    /// Whether a typed character may go into text: printable, not a line break, not a control
    /// or bidirectional character (those are refused rather than stored).
    static func isInsertable(_ ch: Character) -> Bool {
        guard let (glyph, _) = Glyph.display(ch) else { return isCombiningOnly(ch) }
        return glyph == ch
    }

    /// A grapheme that takes no cells (a combining mark typed on its own).
    private static func isCombiningOnly(_ ch: Character) -> Bool {
        ch.unicodeScalars.allSatisfy { $0.properties.generalCategory == .nonspacingMark
            || $0.properties.generalCategory == .enclosingMark || $0.properties.generalCategory == .spacingMark }
    }

    /// Inserts `ch` at the cursor. A combining mark typed on its own joins the character before
    /// the cursor. Returns false (and changes nothing) for characters that cannot be inserted.
    mutating func insert(_ ch: Character) -> Bool {
        guard Self.isInsertable(ch) else { return false }
        if Glyph.display(ch) == nil {
            guard cursor > 0 else { return false }
            let combined = String(chars[cursor - 1]) + String(ch)
            guard combined.count == 1, let joined = combined.first else { return false }
            chars[cursor - 1] = joined
            return true
        }
        chars.insert(ch, at: cursor)
        cursor += 1
        return true
    }

    mutating func backspace() -> Bool {
        guard cursor > 0 else { return false }
        chars.remove(at: cursor - 1)
        cursor -= 1
        return true
    }

    mutating func deleteForward() -> Bool {
        guard cursor < chars.count else { return false }
        chars.remove(at: cursor)
        return true
    }

    mutating func moveLeft() -> Bool {
        guard cursor > 0 else { return false }
        cursor -= 1
        return true
    }

    mutating func moveRight() -> Bool {
        guard cursor < chars.count else { return false }
        cursor += 1
        return true
    }

    mutating func moveHome() { cursor = 0 }
    mutating func moveEnd() { cursor = chars.count }
    mutating func moveWordLeft() { cursor = wordStart(before: cursor) }
    mutating func moveWordRight() { cursor = wordEnd(after: cursor) }

    /// Deletes from the start of the word before the cursor to the cursor (Ctrl-W).
    mutating func deleteWordBackward() {
        let start = wordStart(before: cursor)
        chars.removeSubrange(start..<cursor)
        cursor = start
    }

    /// Deletes from the cursor to the end of the next word (Alt-D).
    mutating func deleteWordForward() {
        chars.removeSubrange(cursor..<wordEnd(after: cursor))
    }

    mutating func deleteToStart() {
        chars.removeSubrange(0..<cursor)
        cursor = 0
    }

    mutating func deleteToEnd() {
        chars.removeSubrange(cursor..<chars.count)
    }

    /// Applies `command` within this line; false when it changed nothing (at an edge, refused).
    mutating func perform(_ command: EditCommand) -> Bool {
        let before = self
        switch command {
        case .insert(let ch): return insert(ch)
        case .backspace: return backspace()
        case .deleteForward: return deleteForward()
        case .left: return moveLeft()
        case .right: return moveRight()
        case .lineStart: moveHome()
        case .lineEnd: moveEnd()
        case .wordLeft: moveWordLeft()
        case .wordRight: moveWordRight()
        case .deleteWordBackward: deleteWordBackward()
        case .deleteWordForward: deleteWordForward()
        case .deleteToStart: deleteToStart()
        case .deleteToEnd: deleteToEnd()
        }
        return self != before
    }

    /// Cells from the start of the line to `index`.
    func column(of index: Int) -> Int {
        var col = 0
        for ch in chars[..<min(max(0, index), chars.count)] { col += Glyph.width(ch) }
        return col
    }

    /// The index of the character covering display column `col` (the start of a wide character
    /// when `col` falls on its right half), or the end of the line.
    func index(atColumn col: Int) -> Int {
        var used = 0
        for (i, ch) in chars.enumerated() {
            let w = Glyph.width(ch)
            if used + w > col { return i }
            used += w
        }
        return chars.count
    }

    /// Cells taken by the whole line.
    var width: Int { column(of: chars.count) }

    /// Width of the cursor cell: the character under it, or one cell at the end of the line.
    var cursorWidth: Int { cursor < chars.count ? max(1, Glyph.width(chars[cursor])) : 1 }

    private func wordStart(before index: Int) -> Int {
        var i = index
        while i > 0, chars[i - 1].isWhitespace { i -= 1 }
        while i > 0, !chars[i - 1].isWhitespace { i -= 1 }
        return i
    }

    private func wordEnd(after index: Int) -> Int {
        var i = index
        while i < chars.count, chars[i].isWhitespace { i += 1 }
        while i < chars.count, !chars[i].isWhitespace { i += 1 }
        return i
    }
}
