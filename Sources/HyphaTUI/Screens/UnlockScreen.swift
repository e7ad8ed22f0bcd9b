import HyphaEngine
import Widgets

/// The passphrase prompt: a secret field, progress while the keys are derived, and the reason
/// when they do not open this node's database. Nothing on it ever shows the passphrase.
struct UnlockState: Equatable {
    var field = TextFieldState(secret: true, maxLength: Passphrase.maximumInputBytes, viewportWidth: 40)
    var isDeriving = false
    var error: String?
    /// Why the screen is showing (after an idle lock).
    var note: String?
}

enum UnlockScreen {
    static func handle(_ key: Key, _ state: inout UnlockState, _ model: inout AppModel) -> [Command] {
        if key == .ctrl("c") { return App.quit(&model) }
        guard !state.isDeriving else { return [] }
        switch key {
        case .enter:
            guard !state.field.isEmpty else {
                state.error = "Type your passphrase, then Enter."
                return []
            }
            let secret = SecretText(state.field.utf8)
            state.field.wipe()
            state.isDeriving = true
            state.error = nil
            return [.unlock(passphrase: secret)]
        case .esc:
            // Esc never quits here (q cannot: it is a letter of the passphrase); it clears.
            state.field.wipe()
            state.error = nil
            return []
        case .ctrl("r") where model.node?.neverSynced == true:
            state.field.wipe()
            state.isDeriving = true
            state.error = nil
            return [.startOver]
        default:
            if state.field.handle(key) { state.error = nil }
            return []
        }
    }

    static func receive(_ message: Message, _ state: inout UnlockState) -> [Command] {
        if case let .unlockFailed(reason) = message {
            state.isDeriving = false
            state.error = reason
            state.field.wipe()
        }
        return []
    }

    /// The message for a passphrase that does not open the node: both database ids, short.
    static func wrongPassphrase(derived: String, expected: String) -> String {
        "Wrong passphrase: it derives database \(derived.prefix(8))…, this node holds \(expected.prefix(8))…"
    }

    /// A one-line reason for an unlock failure that never repeats what was typed (the engine's
    /// message for an unknown word names the word, which is part of the passphrase).
    static func describe(_ error: any Error) -> String {
        switch error {
        case InputError.passphraseUnknownWord:
            return "One of the words is not in the EFF wordlist; check the spelling."
        case InputError.passphraseControlCharacter, InputError.passphraseNonASCII:
            return "The passphrase has characters no list word contains; type only the words."
        case let failure as any UserFacingError:
            return failure.description
        default:
            return "Unlocking failed: \(error)"
        }
    }

    static func render(_ state: UnlockState, model: AppModel, into buffer: inout Buffer, theme: Theme) {
        var items: [FormItem] = []
        if let node = model.node {
            items.append(.line(Line([Span("Database ", role: .dim), Span("\(node.shortID)…"),
                                     Span("  domain ", role: .dim), Span(node.domain ?? "?"),
                                     Span("  node ", role: .dim), Span(Sanitise.forTerminal(node.nodeName, limit: 30))])))
            items.append(.blank)
        }
        if let note = state.note { items += [.paragraph(note, .warning), .blank] }
        let neverSynced = model.node?.neverSynced == true
        if neverSynced {
            items += [.paragraph("This node never received anything from a peer: a join that did not finish (a wrong passphrase or domain, or a peer that was never reached). Ctrl-R starts over: it deletes this node's files so you can join again.", .warning), .blank]
        }
        items.append(.field(label: "Passphrase", state: state.field, focused: !state.isDeriving, placeholder: ""))
        items.append(.blank)
        if state.isDeriving {
            items += FormItem.derivingKeys(now: model.now)
        } else if let error = state.error {
            items.append(.paragraph(error, .danger))
        } else {
            items.append(.paragraph("Your passphrase is the 8 words shown when the database was created.", .dim))
        }
        Form.screen(title: "Unlock Hypha", items: items,
                    hints: state.isDeriving ? [KeyHint("Ctrl-C", "quit")]
                        : [KeyHint("Enter", "unlock"), KeyHint("Esc", "clear")]
                        + (neverSynced ? [KeyHint("Ctrl-R", "start over")] : []) + [KeyHint("Ctrl-C", "quit")],
                    into: &buffer, theme: theme)
    }
}
