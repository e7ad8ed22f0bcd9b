import Foundation
import HyphaEngine
import Widgets

/// Joining an existing database: domain, passphrase, a peer to replicate from and this
/// node's name. The node backend creates the node and asks for authorisation.
struct JoinState: Equatable {
    static let labels = ["Domain", "Passphrase", "Peer", "Node name"]
    static let domain = 0, passphrase = 1, peer = 2, name = 3

    var fields: [TextFieldState]
    var focus = 0
    var isWorking = false
    /// The last attempt's failure (cleared by typing).
    var error: String?

    init(nodeName: String, peer: String? = nil, domain: String = "") {
        fields = [
            TextFieldState(text: domain, maxLength: 253, viewportWidth: 40),
            TextFieldState(secret: true, maxLength: Passphrase.maximumInputBytes, viewportWidth: 40),
            TextFieldState(text: peer ?? "", maxLength: 300, viewportWidth: 40),
            TextFieldState(text: nodeName, maxLength: EntryLimits.maxNodeNameBytes, viewportWidth: 40),
        ]
        // Start where there is something to type.
        focus = domain.isEmpty ? Self.domain : Self.passphrase
    }

    /// What is wrong with field `index` as typed now (nil: nothing to say, or fine), and for
    /// the passphrase its word count. Recomputed on every frame, so a corrected field's
    /// message goes at once.
    func check(_ index: Int) -> (text: String, role: Role)? {
        let text = fields[index].text
        switch index {
        case Self.domain:
            guard !text.isEmpty else { return nil }
            do { _ = try Domain.canonicalise(text) } catch { return ("\(error)", .danger) }
            return nil
        case Self.passphrase:
            return JoinScreen.passphraseCheck(fields[index].utf8)
        case Self.peer:
            let peer = text.trimmingCharacters(in: .whitespaces)
            guard !peer.isEmpty else { return nil }
            do { _ = try PeerAddress(parsing: peer) } catch { return ("not a peer address (host:port or ws://host:port/hypha)", .danger) }
            return nil
        default:
            do { _ = try NodeName.validated(text) } catch { return ((error as? OperationalFailure)?.message ?? "\(error)", .danger) }
            return nil
        }
    }
}

/// After joining: the verification code to compare, until another node authorises this one,
/// and how the connection to the peer stands.
struct JoinWaitState: Equatable {
    var node: UnlockedNode
    var status = "Connecting…"
    var code: String?
    var isAuthorised = false
    var failure: String?
    /// What was typed (no passphrase), to go back to the form.
    var domain = ""
    var peer = ""
    /// The connection to the peer: nil until the first event.
    var connection: Connection?
    /// Esc was pressed: the join is being undone.
    var isLeaving = false

    struct Connection: Equatable {
        var connected: Bool
        var reason: String?
        /// Monotonic time of the next attempt.
        var retryAt: Double?
        var wrongDatabase: Bool
    }
}

enum JoinScreen {
    static func handle(_ key: Key, _ state: inout JoinState, _ model: inout AppModel) -> Outcome {
        if key == .ctrl("c") { return Outcome(App.quit(&model)) }
        guard !state.isWorking else { return Outcome() }
        if FieldFocus.move(key, focus: &state.focus, count: state.fields.count) { return Outcome() }
        switch key {
        case .esc:
            state.fields[JoinState.passphrase].wipe()
            return Outcome(screen: .welcome(WelcomeState(menu: ListState(selected: 1, viewportHeight: 3))))
        case .enter:
            // Enter joins from any field; what is missing or wrong gets the focus and says why.
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
            domain = try Domain.canonicalise(state.fields[JoinState.domain].text)
        } catch {
            return refuse(&state, "\(error)", focus: JoinState.domain)
        }
        if state.fields[JoinState.passphrase].isEmpty { return refuse(&state, "Type your passphrase.", focus: JoinState.passphrase) }
        if let check = passphraseCheck(state.fields[JoinState.passphrase].utf8, final: true), check.role != .success {
            return refuse(&state, "The passphrase: \(check.text).", focus: JoinState.passphrase)
        }
        let peer = state.fields[JoinState.peer].text.trimmingCharacters(in: .whitespaces)
        if peer.isEmpty { return refuse(&state, "Give a peer address (host:port) to replicate from.", focus: JoinState.peer) }
        if let check = state.check(JoinState.peer) { return refuse(&state, "The peer: \(check.text).", focus: JoinState.peer) }
        do {
            name = try NodeName.validated(state.fields[JoinState.name].text)
        } catch {
            return refuse(&state, (error as? OperationalFailure)?.message ?? "\(error)", focus: JoinState.name)
        }
        let secret = SecretText(state.fields[JoinState.passphrase].utf8)
        state.fields[JoinState.passphrase].wipe()
        state.isWorking = true
        state.error = nil
        return Outcome([.join(domain: domain, passphrase: secret, peer: peer, name: name)])
    }

    private static func refuse(_ state: inout JoinState, _ reason: String, focus: Int) -> Outcome {
        state.error = reason
        state.focus = focus
        return Outcome()
    }

    /// The passphrase as it is typed: its word count, or which word (by position, never the
    /// word itself) is not in the list, or that it looks like a peer address.
    static func passphraseCheck(_ bytes: [UInt8], final: Bool = false) -> (text: String, role: Role)? {
        let text = String(decoding: bytes, as: UTF8.self)
        let words = text.split(whereSeparator: { $0 == " " || $0 == "\t" }).map { $0.lowercased() }
        guard !words.isEmpty else { return nil }
        if words.count <= 2, words.contains(where: { $0.contains(":") || $0.contains("/") || $0.first?.isNumber == true }) {
            return ("looks like a peer address: that goes in the Peer field; the passphrase is words", .danger)
        }
        let count = "\(words.count) word\(words.count == 1 ? "" : "s")"
        // The word being typed (no space after it yet) is judged only once it is finished.
        let typing = !final && text.last != " " && text.last != "\t"
        let finished = typing ? Array(words.dropLast()) : words
        // Without the word list (a broken installation) words are not judged as they are typed;
        // unlocking then reports the installation error.
        let wordlist = try? Wordlist.eff()
        if let wordlist, let wrong = finished.firstIndex(where: { !wordlist.contains($0) }) {
            return ("\(count); word \(wrong + 1) is not in the word list", .danger)
        }
        if words.count < Passphrase.minimumWords { return ("\(count) (at least \(Passphrase.minimumWords))", .dim) }
        if typing, let last = words.last, wordlist?.contains(last) != true { return (count, .dim) }
        return (count, .success)
    }

    static func receive(_ message: Message, _ state: inout JoinState, _ model: inout AppModel) -> Outcome {
        switch message {
        case let .joinFailed(reason):
            state.isWorking = false
            state.error = reason
            state.fields[JoinState.passphrase].wipe()
            state.focus = JoinState.passphrase
            return Outcome()
        case let .joinStarted(node):
            model.node = node.summary
            model.lastActivity = model.now
            return Outcome(screen: .joinWaiting(JoinWaitState(node: node, domain: state.fields[JoinState.domain].text,
                                                              peer: state.fields[JoinState.peer].text)))
        default:
            return Outcome()
        }
    }

    static func handle(_ key: Key, _ state: inout JoinWaitState, _ model: inout AppModel) -> Outcome {
        guard !state.isLeaving else { return key == .ctrl("c") || key == .char("q") ? Outcome(App.quit(&model)) : Outcome() }
        switch key {
        case .enter where state.isAuthorised:
            var node = state.node
            node.writable = true
            return Outcome(App.enterMain(&model, node), screen: nil)
        case .esc where !state.isAuthorised:
            // Back to the form: the node stops, and a directory that never received anything
            // from a peer is emptied, so nothing binds it to a database no peer confirmed.
            state.isLeaving = true
            return Outcome([.abandonJoin])
        case .char("q"), .ctrl("c"):
            return Outcome(App.quit(&model))
        default:
            return Outcome()
        }
    }

    /// Back on the form after Esc on the waiting screen, with what was typed (no passphrase).
    static func abandoned(_ state: JoinWaitState, failure: String?, model: AppModel) -> Screen {
        var form = JoinState(nodeName: state.node.summary.nodeName, peer: state.peer, domain: state.domain)
        form.error = failure.map { "Could not undo the join: \($0)" }
            ?? (state.connection?.wrongDatabase == true ? "Check the passphrase and the domain, then join again." : nil)
        return .join(form)
    }

    static func receive(_ message: Message, _ state: inout JoinWaitState, now: Double) {
        if case let .backend(.connection(connection)) = message {
            switch connection.state {
            case .connected:
                state.connection = JoinWaitState.Connection(connected: true, reason: nil, retryAt: nil, wrongDatabase: false)
            case let .failed(reason, retry, wrongDatabase):
                state.connection = JoinWaitState.Connection(connected: false, reason: reason, retryAt: now + retry,
                                                            wrongDatabase: wrongDatabase)
            }
            return
        }
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
            let focused = !state.isWorking && i == state.focus
            items.append(.field(label: label, state: state.fields[i], focused: focused,
                                placeholder: ["example.org", "", "host:port", ""][i]))
            if let check = state.check(i) {
                items.append(.note(check.text, check.role))
            } else if i == JoinState.passphrase, focused {
                items.append(.note("the 8 words, in order", .dim))
            }
        }
        items.append(.blank)
        if state.isWorking {
            items.append(.spinner("Deriving keys and contacting the peer…", now: model.now))
        } else if let error = state.error {
            items.append(.paragraph(error, .danger))
        } else {
            items.append(.paragraph("This node replicates read-only until one of your nodes authorises it.", .dim))
        }
        let hints = state.isWorking ? [KeyHint("Ctrl-C", "quit")]
            : [KeyHint("Tab ↑↓", "field"), KeyHint("Enter", "join"), KeyHint("Esc", "back")]
        Form.screen(title: "Join a database", items: items, hints: hints, into: &buffer, theme: theme)
    }

    static func render(_ state: JoinWaitState, model: AppModel, into buffer: inout Buffer, theme: Theme) {
        var items: [FormItem] = [
            .line(Line([Span("Database ", role: .dim), Span("\(state.node.summary.shortID)…"),
                        Span("  node ", role: .dim), Span(Sanitise.forTerminal(state.node.summary.nodeName, limit: 30))])),
            .blank,
        ]
        let wrong = state.connection?.wrongDatabase == true && !state.isAuthorised
        if let code = state.code, !wrong {
            items.append(.line(Line([Span("Verification code  ", role: .dim), Span(code, role: .titleFocused)])))
            if !state.isAuthorised {
                items.append(.paragraph("Check that your other node shows the same code before you authorise it there.", .dim))
            }
            items.append(.blank)
        }
        let peer = Sanitise.forTerminal(state.peer, limit: 60)
        if state.isAuthorised {
            items.append(.paragraph(state.status, .success))
        } else if let failure = state.failure {
            items.append(.paragraph(failure, .danger))
        } else if let connection = state.connection, !connection.connected {
            let reason = connection.reason ?? "no connection"
            if connection.wrongDatabase {
                items.append(.paragraph("\(peer) closed the connection right after this node asked for the database: \(reason).", .danger))
                items.append(.blank)
                items.append(.paragraph("Esc goes back to the form (nothing is kept) to try again.", .dim))
            } else {
                let seconds = max(0, Int(((connection.retryAt ?? model.now) - model.now).rounded(.up)))
                items.append(.paragraph("Cannot reach \(peer): \(reason).", .warning))
                items.append(.spinner(seconds > 0 ? "Retrying in \(seconds) s…" : "Retrying now…", now: model.now))
            }
        } else if state.connection?.connected == true {
            items.append(.line(Line([Span("Connected to ", role: .dim), Span(peer, role: .success)])))
            items.append(.spinner(state.status, now: model.now))
        } else {
            items.append(.spinner("Connecting to \(peer)…", now: model.now))
        }
        if state.isLeaving { items += [.blank, .spinner("Going back…", now: model.now)] }
        let title = state.isAuthorised ? "Authorised" : wrong ? "Cannot join" : "Waiting for approval"
        let hints = state.isAuthorised ? [KeyHint("Enter", "open the database"), KeyHint("q", "quit")]
            : [KeyHint("Esc", "back to the form"), KeyHint("q", "quit")]
        Form.screen(title: title, items: items, width: 64, hints: hints, into: &buffer, theme: theme)
    }
}
