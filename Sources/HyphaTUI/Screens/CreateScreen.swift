import Foundation
import HyphaEngine
import Widgets

/// Creating a database: domain and node name → a generated passphrase shown once → three of
/// its words typed back → keys derived → the node is created exactly as `hypha new` does.
struct CreateState: Equatable {
    enum Step: Equatable {
        case form, generating, showWords, confirm, deriving
    }

    var step: Step = .form
    var domain = TextFieldState(maxLength: 253, viewportWidth: 40)
    var name: TextFieldState
    var formFocus = 0
    var canonicalDomain = ""
    var validName = ""
    /// The generated words: shown once, dropped as soon as the node is being created.
    var words: [String] = []
    /// Which words (0-based) the person types back.
    var confirmPositions: [Int] = []
    var confirmFields: [TextFieldState] = []
    var confirmFocus = 0
    var error: String?

    init(nodeName: String) {
        name = TextFieldState(text: nodeName, maxLength: EntryLimits.maxNodeNameBytes, viewportWidth: 40)
    }

    /// Forgets the passphrase (best effort: Swift strings cannot be zeroed).
    mutating func dropWords() {
        words = []
        for i in confirmFields.indices { confirmFields[i].wipe() }
        confirmFields = []
        confirmPositions = []
    }
}

enum CreateScreen {
    static func handle(_ key: Key, _ state: inout CreateState, _ model: inout AppModel) -> Outcome {
        if key == .ctrl("c") { return Outcome(App.quit(&model)) }
        switch state.step {
        case .form: return handleForm(key, &state)
        case .showWords:
            switch key {
            case .enter:
                state.step = .confirm
                state.confirmFields = state.confirmPositions.map { _ in TextFieldState(maxLength: 20) }
                state.confirmFocus = 0
                state.error = nil
            case .esc:
                state.dropWords()
                state.step = .form
            default: break
            }
            return Outcome()
        case .confirm: return handleConfirm(key, &state)
        case .generating, .deriving: return Outcome()
        }
    }

    private static func handleForm(_ key: Key, _ state: inout CreateState) -> Outcome {
        if FieldFocus.move(key, focus: &state.formFocus, count: 2) { return Outcome() }
        switch key {
        case .esc:
            return Outcome(screen: .welcome(WelcomeState()))
        case .enter:
            if state.formFocus == 0 && state.name.isEmpty {
                state.formFocus = 1
                return Outcome()
            }
            do {
                state.canonicalDomain = try Domain.canonicalise(state.domain.text)
            } catch {
                state.error = "\(error)"
                state.formFocus = 0
                return Outcome()
            }
            do {
                state.validName = try NodeName.validated(state.name.text)
            } catch {
                state.error = (error as? OperationalFailure)?.message ?? "\(error)"
                state.formFocus = 1
                return Outcome()
            }
            state.error = nil
            state.step = .generating
            return Outcome([.generatePassphrase])
        default:
            // A correction clears the error it answers.
            let changed = state.formFocus == 0 ? state.domain.handle(key) : state.name.handle(key)
            if changed { state.error = nil }
            return Outcome()
        }
    }

    private static func handleConfirm(_ key: Key, _ state: inout CreateState) -> Outcome {
        let count = state.confirmFields.count
        if FieldFocus.move(key, focus: &state.confirmFocus, count: count) { return Outcome() }
        switch key {
        case .esc:
            state.step = .showWords
            state.error = nil
            return Outcome()
        case .enter:
            if state.confirmFocus < count - 1 && state.confirmFields[state.confirmFocus + 1].isEmpty {
                state.confirmFocus += 1
                return Outcome()
            }
            for (field, position) in zip(state.confirmFields, state.confirmPositions)
            where field.text.trimmingCharacters(in: .whitespaces).lowercased() != state.words[position] {
                state.error = "Word \(position + 1) does not match. Esc shows the words again."
                return Outcome()
            }
            let secret = SecretText(Array(state.words.joined(separator: " ").utf8))
            state.dropWords()
            state.step = .deriving
            state.error = nil
            return Outcome([.createNode(domain: state.canonicalDomain, name: state.validName, passphrase: secret)])
        default:
            if state.confirmFields[state.confirmFocus].handle(key) { state.error = nil }
            return Outcome()
        }
    }

    static func receive(_ message: Message, _ state: inout CreateState) -> Outcome {
        switch message {
        case let .passphraseGenerated(words, confirm):
            guard state.step == .generating else { return Outcome() }
            state.words = words
            state.confirmPositions = confirm
            state.step = .showWords
        case let .createFailed(reason):
            state.dropWords()
            state.step = .form
            state.error = reason
        default:
            break
        }
        return Outcome()
    }

    static func render(_ state: CreateState, model: AppModel, into buffer: inout Buffer, theme: Theme) {
        var items: [FormItem] = []
        var hints: [KeyHint]
        switch state.step {
        case .form, .generating:
            items = [
                .paragraph("Your domain salts your keys: use the same one on every device (for example example.org).", .dim),
                .blank,
                .field(label: "Domain", state: state.domain, focused: state.formFocus == 0, placeholder: "example.org"),
                .field(label: "Node name", state: state.name, focused: state.formFocus == 1, placeholder: "laptop"),
                .blank,
                .paragraph("The node name is what your other devices show when this one asks to join.", .dim),
            ]
            hints = [KeyHint("Tab", "next field"), KeyHint("Enter", "continue"), KeyHint("Esc", "back")]
        case .showWords:
            items = [
                .paragraph("Your passphrase. Write these 8 words down now, on paper.", .text),
                .blank,
            ]
            for row in stride(from: 0, to: state.words.count, by: 4) {
                let spans = (row..<min(row + 4, state.words.count)).flatMap { i in
                    [Span(" \(i + 1). ", role: .dim), Span(TextWidth.fit(state.words[i], to: 10), role: .titleFocused)]
                }
                items.append(.line(Line(spans)))
            }
            items += [
                .blank,
                .paragraph("⚠ Hypha shows them only this once and never stores them. They are the only way to open "
                           + "this database on another device or after a reinstall, and anyone who has them can read "
                           + "and change everything in it.", .warning),
            ]
            hints = [KeyHint("Enter", "I have written them down"), KeyHint("Esc", "start again")]
        case .confirm, .deriving:
            items = [.paragraph("Type back these words of your passphrase.", .text), .blank]
            for (i, position) in state.confirmPositions.enumerated() {
                items.append(.field(label: "Word \(position + 1)", state: state.confirmFields[i],
                                    focused: state.step == .confirm && i == state.confirmFocus, placeholder: ""))
            }
            if state.step == .deriving {
                items = [.paragraph("Creating the database…", .text), .blank] + FormItem.derivingKeys(now: model.now)
            }
            // While the keys are derived nothing but quitting does anything.
            hints = state.step == .deriving ? [KeyHint("Ctrl-C", "quit")]
                : [KeyHint("Tab", "next word"), KeyHint("Enter", "create"), KeyHint("Esc", "show the words again")]
        }
        if state.step == .generating { hints = [KeyHint("Ctrl-C", "quit")] }
        if state.step == .generating {
            items += [.blank, .spinner("Generating a passphrase…", now: model.now)]
        }
        if let error = state.error { items += [.blank, .paragraph(error, .danger)] }
        Form.screen(title: "New database", items: items, hints: hints, into: &buffer, theme: theme)
    }
}
