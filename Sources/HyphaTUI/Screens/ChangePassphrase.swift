import HyphaEngine
import Widgets

/// "Change passphrase…" (`P`): the domain (the current one unless changed), a generated
/// passphrase shown once and three of its words typed back (`PassphraseConfirmation`, as when
/// creating a database), then the successor is made off the main queue and the node opens on
/// it. Over the main screen, which stays as it was if anything fails.
struct ChangePassphraseState: Equatable {
    enum Step: Equatable {
        case form, generating, words
        case working(SuccessionStep)
    }

    var step: Step = .form
    var domain: TextFieldState
    var canonicalDomain = ""
    var confirmation: PassphraseConfirmation?
    var error: String?

    init(domain: String) {
        self.domain = TextFieldState(text: domain, maxLength: 253, viewportWidth: 40)
    }

    var isWorking: Bool {
        if case .working = step { return true }
        return false
    }

    var isAnimating: Bool { step == .generating || isWorking }
}

enum ChangePassphrase {
    static let warning = "Your other devices will need the new passphrase to follow; this database becomes read-only history."

    /// `P`: only an authorised writer of a database that has not moved changes its passphrase.
    static func open(_ state: inout MainState, _ model: inout AppModel) -> [Command] {
        if state.succession != nil {
            App.notify(&model, "This database already moved to a new passphrase: F follows it.", role: .statusWarning)
            return []
        }
        guard MainScreen.requireWritable(state, &model) else { return [] }
        state.changePassphrase = ChangePassphraseState(domain: state.node.summary.domain ?? "")
        return []
    }

    static func handle(_ key: Key, _ state: inout MainState, _ model: inout AppModel) -> [Command] {
        guard var flow = state.changePassphrase else { return [] }
        defer { if state.changePassphrase != nil { state.changePassphrase = flow } }
        switch flow.step {
        case .form:
            switch key {
            case .esc:
                state.changePassphrase = nil
            case .enter:
                do {
                    flow.canonicalDomain = try Domain.canonicalise(flow.domain.text)
                } catch {
                    flow.error = "\(error)"
                    return []
                }
                flow.error = nil
                flow.step = .generating
                return [.generatePassphrase]
            default:
                if flow.domain.handle(key) { flow.error = nil }
            }
        case .generating:
            if key == .esc { state.changePassphrase = nil }
        case .words:
            guard var confirmation = flow.confirmation else { return [] }
            switch confirmation.handle(key) {
            case .stay:
                flow.confirmation = confirmation
            case .back:
                flow.confirmation = nil
                flow.step = .form
            case let .confirmed(secret):
                flow.confirmation = nil
                flow.step = .working(.derivingKeys)
                return [.changePassphrase(domain: flow.canonicalDomain, passphrase: secret)]
            }
        case .working:
            break   // a few seconds at most; nothing to cancel half-way
        }
        return []
    }

    /// Results for the flow; false when none was for it.
    static func receive(_ message: Message, _ state: inout MainState) -> Bool {
        guard var flow = state.changePassphrase else { return false }
        defer { state.changePassphrase = flow }
        switch message {
        case let .passphraseGenerated(words, confirm):
            guard flow.step == .generating else { return false }
            flow.confirmation = PassphraseConfirmation(words: words, positions: confirm)
            flow.step = .words
        case let .passphraseGenerationFailed(reason):
            guard flow.step == .generating else { return false }
            flow.step = .form
            flow.error = reason
        case let .successionProgress(step):
            guard flow.isWorking else { return false }
            flow.step = .working(step)
        case let .successionFailed(reason):
            guard flow.isWorking else { return false }
            flow.step = .form
            flow.error = reason
        default:
            return false
        }
        return true
    }

    static func render(_ flow: ChangePassphraseState, state: MainState, model: AppModel, in area: Rect, into buffer: inout Buffer,
                       theme: Theme) {
        var items: [FormItem]
        switch flow.step {
        case .form, .generating:
            items = [
                .paragraph("A new passphrase makes a new database (its successor) holding everything in this one, "
                           + "conflicts included. Database \(state.node.summary.shortID)… stays here, frozen.", .text),
                .blank,
                .field(label: "Domain", state: flow.domain, focused: flow.step == .form, placeholder: "example.org"),
                .note("the current domain unless you mean to change it", .dim),
                .blank,
                .paragraph(warning, .warning),
            ]
            if flow.step == .generating { items += [.blank, .spinner("Generating a passphrase…", now: model.now)] }
        case .words:
            items = flow.confirmation?.items() ?? []
        case let .working(step):
            items = [.paragraph("Changing the passphrase…", .text), .blank] + FollowPrompt.working(step, now: model.now)
        }
        if let error = flow.error { items += [.blank, .paragraph(error, .danger)] }
        Form(title: "Change passphrase", items: items, width: 76).render(in: area, buffer: &buffer, theme: theme)
    }

    static func hints(_ flow: ChangePassphraseState) -> [KeyHint] {
        switch flow.step {
        case .form: return [KeyHint("Enter", "generate a new passphrase"), KeyHint("Esc", "cancel")]
        case .generating: return [KeyHint("Esc", "cancel")]
        case .words: return flow.confirmation?.hints(action: "change the passphrase") ?? []
        case .working: return []
        }
    }
}
