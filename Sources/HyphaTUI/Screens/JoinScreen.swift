import Foundation
import HyphaEngine
import Widgets

/// Joining an existing database: domain, passphrase, a peer to replicate from and this
/// node's name. The node backend creates the node and asks for authorisation.
struct JoinState: Equatable {
    static let labels = ["Domain", "Passphrase", "Peer", "Node name"]

    var fields: [TextFieldState]
    var focus = 0
    var isWorking = false
    var error: String?

    init(nodeName: String) {
        fields = [
            TextFieldState(maxLength: 253, viewportWidth: 40),
            TextFieldState(secret: true, maxLength: Passphrase.maximumInputBytes, viewportWidth: 40),
            TextFieldState(maxLength: 300, viewportWidth: 40),
            TextFieldState(text: nodeName, maxLength: EntryLimits.maxNodeNameBytes, viewportWidth: 40),
        ]
    }
}

/// After joining: the verification code to compare, until another node authorises this one.
struct JoinWaitState: Equatable {
    var node: UnlockedNode
    var status = "Connecting…"
    var code: String?
    var isAuthorised = false
    var failure: String?
}

enum JoinScreen {
    static func handle(_ key: Key, _ state: inout JoinState, _ model: inout AppModel) -> Outcome {
        if key == .ctrl("c") { return Outcome(App.quit(&model)) }
        guard !state.isWorking else { return Outcome() }
        if FieldFocus.move(key, focus: &state.focus, count: state.fields.count) { return Outcome() }
        switch key {
        case .esc:
            state.fields[1].wipe()
            return Outcome(screen: .welcome(WelcomeState(menu: ListState(selected: 1, viewportHeight: 3))))
        case .enter:
            if state.focus < state.fields.count - 1 {
                state.focus += 1
                return Outcome()
            }
            return submit(&state)
        default:
            if state.fields[state.focus].handle(key) { state.error = nil }
            return Outcome()
        }
    }

    private static func submit(_ state: inout JoinState) -> Outcome {
        let domain: String
        let name: String
        do {
            domain = try Domain.canonicalise(state.fields[0].text)
        } catch {
            return refuse(&state, "\(error)", focus: 0)
        }
        if state.fields[1].isEmpty { return refuse(&state, "Type your passphrase.", focus: 1) }
        let peer = state.fields[2].text.trimmingCharacters(in: .whitespaces)
        if peer.isEmpty { return refuse(&state, "Give a peer address (host:port) to replicate from.", focus: 2) }
        do {
            name = try NodeName.validated(state.fields[3].text)
        } catch {
            return refuse(&state, (error as? OperationalFailure)?.message ?? "\(error)", focus: 3)
        }
        let secret = SecretText(state.fields[1].utf8)
        state.fields[1].wipe()
        state.isWorking = true
        state.error = nil
        return Outcome([.join(domain: domain, passphrase: secret, peer: peer, name: name)])
    }

    private static func refuse(_ state: inout JoinState, _ reason: String, focus: Int) -> Outcome {
        state.error = reason
        state.focus = focus
        return Outcome()
    }

    static func receive(_ message: Message, _ state: inout JoinState, _ model: inout AppModel) -> Outcome {
        switch message {
        case let .joinFailed(reason):
            state.isWorking = false
            state.error = reason
            state.fields[1].wipe()
            return Outcome()
        case let .joinStarted(node):
            model.node = node.summary
            model.lastActivity = model.now
            return Outcome(screen: .joinWaiting(JoinWaitState(node: node)))
        default:
            return Outcome()
        }
    }

    static func handle(_ key: Key, _ state: inout JoinWaitState, _ model: inout AppModel) -> Outcome {
        switch key {
        case .enter where state.isAuthorised:
            var node = state.node
            node.writable = true
            return Outcome(App.enterMain(&model, node), screen: nil)
        case .char("q"), .ctrl("c"):
            return Outcome(App.quit(&model))
        default:
            return Outcome()
        }
    }

    static func receive(_ message: Message, _ state: inout JoinWaitState) {
        guard case let .backend(.joinStatus(status)) = message else { return }
        switch status {
        case let .connecting(peer): state.status = "Connecting to \(Sanitise.forTerminal(peer, limit: 60))…"
        case .replicating: state.status = "Replicating the database (read-only)…"
        case let .waitingForApproval(code):
            state.code = code
            state.status = "Waiting for approval on one of your other nodes."
        case .authorised:
            state.isAuthorised = true
            state.status = "Authorised: this node can write now."
        case .denied:
            state.failure = "The request was denied."
        case let .failed(reason):
            state.failure = reason
        }
    }

    static func render(_ state: JoinState, model: AppModel, into buffer: inout Buffer, theme: Theme) {
        var items: [FormItem] = [
            .paragraph("Use the domain and passphrase of the database you already have.", .dim),
            .blank,
        ]
        for (i, label) in JoinState.labels.enumerated() {
            items.append(.field(label: label, state: state.fields[i], focused: !state.isWorking && i == state.focus,
                                placeholder: ["example.org", "", "host:port", ""][i]))
        }
        items.append(.blank)
        if state.isWorking {
            items.append(.spinner("Deriving keys and contacting the peer…", now: model.now))
        } else if let error = state.error {
            items.append(.paragraph(error, .danger))
        } else {
            items.append(.paragraph("This node replicates read-only until one of your nodes authorises it.", .dim))
        }
        Form.screen(title: "Join a database", items: items,
                    hints: [KeyHint("Tab", "next field"), KeyHint("Enter", "join"), KeyHint("Esc", "back")],
                    into: &buffer, theme: theme)
    }

    static func render(_ state: JoinWaitState, model: AppModel, into buffer: inout Buffer, theme: Theme) {
        var items: [FormItem] = [
            .line(Line([Span("Database ", role: .dim), Span("\(state.node.summary.shortID)…"),
                        Span("  node ", role: .dim), Span(Sanitise.forTerminal(state.node.summary.nodeName, limit: 30))])),
            .blank,
        ]
        if let code = state.code {
            items.append(.line(Line([Span("Verification code  ", role: .dim), Span(code, role: .titleFocused)])))
            items.append(.paragraph("Check that your other node shows the same code before you authorise.", .dim))
            items.append(.blank)
        }
        if state.isAuthorised {
            items.append(.paragraph(state.status, .success))
        } else if let failure = state.failure {
            items.append(.paragraph(failure, .danger))
        } else {
            items.append(.spinner(state.status, now: model.now))
        }
        Form.screen(title: state.isAuthorised ? "Authorised" : "Waiting for approval", items: items, width: 64,
                    hints: state.isAuthorised ? [KeyHint("Enter", "open the database"), KeyHint("q", "quit")] : [KeyHint("q", "quit")],
                    into: &buffer, theme: theme)
    }
}
