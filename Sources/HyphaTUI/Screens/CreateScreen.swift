import Foundation
import HyphaEngine
import Widgets

/// Creating a database: domain and node name → a generated passphrase shown once → three of
/// its words typed back → keys derived → the node is created exactly as `hypha new` does.
struct CreateState: Equatable {
    enum Step: Equatable {
        /// `words`: the passphrase shown once, then three words typed back (`confirmation`).
        case form, generating, words, deriving
    }

    var step: Step = .form
    var domain = TextFieldState(maxLength: 253, viewportWidth: 40)
    var name: TextFieldState
    var formFocus = 0
    var canonicalDomain = ""
    var validName = ""
    /// The generated passphrase being confirmed: dropped as soon as the node is being created.
    var confirmation: PassphraseConfirmation?
    var error: String?

    init(nodeName: String) {
        name = TextFieldState(text: nodeName, maxLength: EntryLimits.maxNodeNameBytes, viewportWidth: 40)
    }

    /// Forgets the passphrase (best effort: Swift strings cannot be zeroed).
    mutating func dropWords() {
        confirmation?.drop()
        confirmation = nil
    }
}

enum CreateScreen {
    static func handle(_ key: Key, _ state: inout CreateState, _ model: inout AppModel) -> Outcome {
        if key == .ctrl("c") { return Outcome(App.quit(&model)) }
        switch state.step {
        case .form: return handleForm(key, &state)
        case .words: return handleWords(key, &state)
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

    private static func handleWords(_ key: Key, _ state: inout CreateState) -> Outcome {
        guard var confirmation = state.confirmation else { return Outcome() }
        switch confirmation.handle(key) {
        case .stay:
            state.confirmation = confirmation
        case .back:
            state.confirmation = nil
            state.step = .form
        case let .confirmed(secret):
            state.confirmation = nil
            state.step = .deriving
            state.error = nil
            return Outcome([.createNode(domain: state.canonicalDomain, name: state.validName, passphrase: secret)])
        }
        return Outcome()
    }

    static func receive(_ message: Message, _ state: inout CreateState) -> Outcome {
        switch message {
        case let .passphraseGenerated(words, confirm):
            guard state.step == .generating else { return Outcome() }
            state.confirmation = PassphraseConfirmation(words: words, positions: confirm)
            state.step = .words
        case let .createFailed(reason), let .passphraseGenerationFailed(reason):
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
        case .words:
            items = state.confirmation?.items() ?? []
            hints = state.confirmation?.hints(action: "create") ?? []
        case .deriving:
            items = [.paragraph("Creating the database…", .text), .blank] + FormItem.derivingKeys(now: model.now)
            // While the keys are derived nothing but quitting does anything.
            hints = [KeyHint("Ctrl-C", "quit")]
        }
        if state.step == .generating { hints = [KeyHint("Ctrl-C", "quit")] }
        if state.step == .generating {
            items += [.blank, .spinner("Generating a passphrase…", now: model.now)]
        }
        if let error = state.error { items += [.blank, .paragraph(error, .danger)] }
        Form.screen(title: "New database", items: items, hints: hints, into: &buffer, theme: theme)
    }
}
