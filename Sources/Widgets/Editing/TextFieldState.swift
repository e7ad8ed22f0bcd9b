/// The text, cursor and scroll of a one-line ``TextField``, owned by the app's model.
///
/// Characters that could reach the terminal as controls (C0/C1, DEL, bidirectional overrides,
/// line breaks) are refused on input, so the text is always safe to draw.
///
/// A secret state (a passphrase) is never shown by ``TextField`` and is redacted from
/// `description`, `debugDescription` and reflection (`dump`). Its characters still live in a
/// Swift array: call ``wipe()`` when done, and copy the bytes out with ``utf8`` straight into
/// guarded memory. That is best effort, since copies of the value may exist.
public struct TextFieldState: Sendable, Hashable {
    private var line: LineEditor
    /// The first visible display column.
    public private(set) var scroll: Int = 0
    /// Visible width in cells; set it from the layout (rendering re-checks with the real width).
    public var viewportWidth: Int {
        didSet { rescroll() }
    }
    /// The most characters the field accepts; further input is refused.
    public var maxLength: Int?
    /// Whether this field holds a secret (see ``TextField``).
    public let isSecret: Bool

    public init(text: String = "", secret: Bool = false, maxLength: Int? = nil, viewportWidth: Int = 20) {
        self.line = LineEditor()
        self.isSecret = secret
        self.maxLength = maxLength
        self.viewportWidth = max(1, viewportWidth)
        insert(text)
    }

    /// The text. Setting it replaces everything (unsafe characters are dropped) and puts the
    /// cursor at the end.
    public var text: String {
        get { String(line.chars) }
        set {
            line = LineEditor()
            scroll = 0
            insert(newValue)
        }
    }

    /// The text's UTF-8 bytes, for handing a secret to code that keeps it in guarded memory.
    public var utf8: [UInt8] { Array(String(line.chars).utf8) }

    public var isEmpty: Bool { line.chars.isEmpty }
    /// Number of characters (grapheme clusters).
    public var count: Int { line.chars.count }
    /// The cursor as a character index, `0...count`.
    public var cursor: Int { line.cursor }
    /// The cursor's display column from the start of the text.
    public var cursorColumn: Int { line.column(of: line.cursor) }

    // MARK: Editing

    /// Inserts text at the cursor (typing or a paste). Refused characters are skipped; line
    /// breaks and tabs become spaces.
    public mutating func insert(_ text: String) {
        for ch in text { _ = insert(ch == "\n" || ch == "\r\n" || ch == "\t" ? " " : ch) }
    }

    /// Inserts one character; false when it is refused or the field is full.
    @discardableResult
    public mutating func insert(_ ch: Character) -> Bool {
        if let maxLength, line.chars.count >= maxLength, Glyph.display(ch) != nil { return false }
        return edit { $0.insert(ch) }
    }

    @discardableResult public mutating func backspace() -> Bool { edit { $0.backspace() } }
    @discardableResult public mutating func deleteForward() -> Bool { edit { $0.deleteForward() } }
    @discardableResult public mutating func moveLeft() -> Bool { edit { $0.moveLeft() } }
    @discardableResult public mutating func moveRight() -> Bool { edit { $0.moveRight() } }
    public mutating func moveHome() { edit { $0.moveHome() } }
    public mutating func moveEnd() { edit { $0.moveEnd() } }
    public mutating func moveWordLeft() { edit { $0.moveWordLeft() } }
    public mutating func moveWordRight() { edit { $0.moveWordRight() } }
    public mutating func deleteWordBackward() { edit { $0.deleteWordBackward() } }
    public mutating func deleteWordForward() { edit { $0.deleteWordForward() } }
    public mutating func deleteToStart() { edit { $0.deleteToStart() } }
    public mutating func deleteToEnd() { edit { $0.deleteToEnd() } }

    /// Overwrites the stored characters in place, then empties the field.
    public mutating func wipe() {
        for i in line.chars.indices { line.chars[i] = " " }
        line = LineEditor()
        scroll = 0
    }

    /// Typing and the usual editing keys (arrows, Home/End, Backspace/Delete, Ctrl-A/E/B/F/D/H,
    /// Ctrl-W and Alt-Backspace delete a word, Ctrl-U/K delete to start/end, Alt-B/F move by
    /// word, Alt-D deletes the next word). Returns false for keys it does not use (Enter, Esc,
    /// Tab, arrows up/down…) and for refused characters, so the app can act on them.
    public mutating func handle(_ key: Key) -> Bool {
        if case let .paste(text) = key { return paste(text) }
        guard let command = EditCommand(key) else { return false }
        if case .insert(let ch) = command { return insert(ch) }
        edit { _ = $0.perform(command) }
        return true
    }

    /// Inserts pasted text as typed text: one line, so a line break or tab becomes a space
    /// (line breaks at the end are dropped) and control characters are refused, never run.
    /// Returns whether anything went in.
    public mutating func paste(_ text: String) -> Bool {
        var chars = Array(text)
        while let last = chars.last, last == "\n" || last == "\r\n" || last == "\r" { chars.removeLast() }
        var inserted = false
        for ch in chars {
            let typed: Character = ch == "\n" || ch == "\r\n" || ch == "\r" || ch == "\t" ? " " : ch
            if insert(typed) { inserted = true }
        }
        return inserted
    }

    // MARK: Scrolling

    /// The scroll offset to draw with in a field `width` cells wide: the stored one, moved just
    /// enough to show the cursor.
    func scroll(forWidth width: Int) -> Int {
        Scrolling.keepVisible(
            offset: scroll, start: cursorColumn, length: line.cursorWidth, viewport: width, total: line.width + 1)
    }

    var characters: [Character] { line.chars }
    var cursorWidth: Int { line.cursorWidth }

    @discardableResult
    private mutating func edit<R>(_ change: (inout LineEditor) -> R) -> R {
        let result = change(&line)
        rescroll()
        return result
    }

    private mutating func rescroll() {
        scroll = scroll(forWidth: viewportWidth)
    }
}

extension TextFieldState: CustomStringConvertible, CustomDebugStringConvertible, CustomReflectable {
    public var description: String {
        isSecret ? "TextFieldState(secret)" : "TextFieldState(\"\(text)\", cursor: \(cursor))"
    }

    public var debugDescription: String { description }

    public var customMirror: Mirror {
        isSecret
            ? Mirror(self, children: ["secret": true])
            : Mirror(self, children: ["text": text, "cursor": cursor, "scroll": scroll])
    }
}
