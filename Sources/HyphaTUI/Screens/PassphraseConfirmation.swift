import Foundation
import Widgets

/// A generated passphrase shown once, then three of its words typed back: the step that a new
/// database (`CreateScreen`) and a change of passphrase (`ChangePassphrase`) share.
struct PassphraseConfirmation: Equatable {
    enum Step: Equatable {
        /// The 8 words on screen, with the warning.
        case showWords
        /// Three of them typed back (the words are not shown).
        case confirm
    }

    var step: Step = .showWords
    /// The generated words: dropped as soon as they are handed over.
    private(set) var words: [String]
    /// Which words (0-based) are typed back.
    private(set) var positions: [Int]
    private(set) var fields: [TextFieldState] = []
    private(set) var focus = 0
    var error: String?

    init(words: [String], positions: [Int]) {
        self.words = words
        self.positions = positions
    }

    /// What a key did.
    enum Outcome: Equatable {
        case stay
        /// Esc while the words are shown: the person wants to start again.
        case back
        /// The words typed back match: the passphrase, on its way to guarded memory (the
        /// words are dropped here).
        case confirmed(SecretText)
    }

    mutating func handle(_ key: Key) -> Outcome {
        switch step {
        case .showWords:
            switch key {
            case .enter:
                step = .confirm
                fields = positions.map { _ in TextFieldState(maxLength: 20) }
                focus = 0
                error = nil
            case .esc:
                drop()
                return .back
            default:
                break
            }
            return .stay
        case .confirm:
            return handleConfirm(key)
        }
    }

    private mutating func handleConfirm(_ key: Key) -> Outcome {
        let count = fields.count
        if FieldFocus.move(key, focus: &focus, count: count) { return .stay }
        switch key {
        case .esc:
            step = .showWords
            error = nil
            return .stay
        case .enter:
            if focus < count - 1 && fields[focus + 1].isEmpty {
                focus += 1
                return .stay
            }
            for (field, position) in zip(fields, positions)
            where field.text.trimmingCharacters(in: .whitespaces).lowercased() != words[position] {
                error = "Word \(position + 1) does not match. Esc shows the words again."
                return .stay
            }
            let secret = SecretText(Array(words.joined(separator: " ").utf8))
            drop()
            return .confirmed(secret)
        default:
            if fields[focus].handle(key) { error = nil }
            return .stay
        }
    }

    /// Forgets the passphrase (best effort: Swift strings cannot be zeroed).
    mutating func drop() {
        words = []
        for i in fields.indices { fields[i].wipe() }
        fields = []
        positions = []
    }

    /// The form rows for the current step; `focused` is false while something else runs.
    func items(focused: Bool = true) -> [FormItem] {
        var items: [FormItem]
        switch step {
        case .showWords:
            items = [.paragraph("Your passphrase. Write these 8 words down now, on paper.", .text), .blank]
            for row in stride(from: 0, to: words.count, by: 4) {
                let spans = (row..<min(row + 4, words.count)).flatMap { i in
                    [Span(" \(i + 1). ", role: .dim), Span(TextWidth.fit(words[i], to: 10), role: .titleFocused)]
                }
                items.append(.line(Line(spans)))
            }
            items += [
                .blank,
                .paragraph("⚠ Hypha shows them only this once and never stores them. They are the only way to open "
                           + "this database on another device or after a reinstall, and anyone who has them can read "
                           + "and change everything in it.", .warning),
            ]
        case .confirm:
            items = [.paragraph("Type back these words of your passphrase.", .text), .blank]
            for (i, position) in positions.enumerated() {
                items.append(.field(label: "Word \(position + 1)", state: fields[i], focused: focused && i == focus, placeholder: ""))
            }
        }
        if let error { items += [.blank, .paragraph(error, .danger)] }
        return items
    }

    /// The hint bar; `action` is what Enter does once the words match ("create").
    func hints(action: String) -> [KeyHint] {
        switch step {
        case .showWords: return [KeyHint("Enter", "I have written them down"), KeyHint("Esc", "start again")]
        case .confirm: return [KeyHint("Tab", "next word"), KeyHint("Enter", action), KeyHint("Esc", "show the words again")]
        }
    }
}
