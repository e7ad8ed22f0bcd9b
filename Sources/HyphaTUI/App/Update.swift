import HyphaEngine
import Widgets

/// What a screen's handler decided: commands to run, and the next screen if it changes.
struct Outcome {
    var commands: [Command] = []
    var screen: Screen?

    init(_ commands: [Command] = [], screen: Screen? = nil) {
        self.commands = commands
        self.screen = screen
    }
}

/// The app as model + update + view. `update` is the only place the model changes; it is
/// pure (no I/O, no clock, no randomness): everything from outside arrives as a message.
enum App {
    /// How long a notice stays in the bottom row.
    static let noticeSeconds = 4.0
    /// The notice that the node now runs on its successor (with the new database id) stays longer.
    static let movedNoticeSeconds = 12.0

    static func update(_ model: inout AppModel, _ message: Message) -> [Command] {
        switch message {
        case let .resize(size):
            model.size = size
            return withScreen(&model) { screen, model in
                if case var .main(state) = screen {
                    state.relayout(size: size)
                    let commands = MainScreen.refresh(&state, now: model.now)
                    return Outcome(commands, screen: .main(state))
                }
                return Outcome()
            }
        case let .tick(now):
            return tick(&model, now: now)
        case let .key(key):
            guard key != .resize else { return [] }
            model.lastActivity = model.now
            if model.isQuitting { return [] }
            return handle(key, &model)
        case .nodeMissing:
            if model.node?.neverSynced == true { notify(&model, "Started over: the unfinished join's files were deleted.") }
            model.node = nil
            model.screen = .welcome(WelcomeState())
        case let .nodeOpened(summary):
            model.node = summary
            if summary.isAlwaysOn {
                model.screen = .failed("""
                    This data directory holds an always-on node: it keeps no keys, so there is nothing to \
                    show here. Run it with `hypha serve --always-on`.
                    """)
            } else {
                model.screen = .unlock(UnlockState())
            }
        case let .nodeFailed(reason):
            model.screen = .failed(reason)
        case let .unlocked(node), let .nodeCreated(node):
            return enterMain(&model, node)
        case let .movedToSuccessor(node, notice):
            // A new database: the main screen starts again on it (its entries are the old ones).
            let commands = enterMain(&model, node)
            notify(&model, notice, seconds: movedNoticeSeconds)
            return commands
        case .locked:
            break
        case let .localDataRemoved(failure):
            if let failure {
                notify(&model, "Could not remove the data: \(failure)", role: .statusError)
            } else {
                model.node = nil
                model.screen = .welcome(WelcomeState())
                notify(&model, "Removed this database's data from this device.")
            }
        case let .failed(reason):
            notify(&model, reason, role: .statusError)
        default:
            return withScreen(&model) { screen, model in
                route(message, screen: screen, model: &model)
            }
        }
        return []
    }

    /// Messages that belong to one screen.
    private static func route(_ message: Message, screen: Screen, model: inout AppModel) -> Outcome {
        switch screen {
        case var .unlock(state):
            return Outcome(UnlockScreen.receive(message, &state), screen: .unlock(state))
        case var .create(state):
            let outcome = CreateScreen.receive(message, &state)
            return Outcome(outcome.commands, screen: outcome.screen ?? .create(state))
        case var .join(state):
            let outcome = JoinScreen.receive(message, &state, &model)
            return Outcome(outcome.commands, screen: outcome.screen ?? .join(state))
        case var .joinWaiting(state):
            if case let .joinAbandoned(failure) = message {
                model.node = nil
                return Outcome(screen: JoinScreen.abandoned(state, failure: failure, model: model))
            }
            JoinScreen.receive(message, &state, now: model.now)
            return Outcome(screen: .joinWaiting(state))
        case var .main(state):
            let commands = MainScreen.receive(message, &state, &model)
            return Outcome(commands, screen: .main(state))
        default:
            return Outcome()
        }
    }

    private static func handle(_ key: Key, _ model: inout AppModel) -> [Command] {
        withScreen(&model) { screen, model in
            switch screen {
            case .starting:
                return Outcome(key == .ctrl("c") ? quit(&model) : [])
            case .failed:
                return Outcome(key == .char("q") || key == .esc || key == .enter || key == .ctrl("c") ? quit(&model) : [])
            case var .welcome(state):
                let outcome = WelcomeScreen.handle(key, &state, &model)
                return Outcome(outcome.commands, screen: outcome.screen ?? .welcome(state))
            case var .create(state):
                let outcome = CreateScreen.handle(key, &state, &model)
                return Outcome(outcome.commands, screen: outcome.screen ?? .create(state))
            case var .join(state):
                let outcome = JoinScreen.handle(key, &state, &model)
                return Outcome(outcome.commands, screen: outcome.screen ?? .join(state))
            case var .joinWaiting(state):
                let outcome = JoinScreen.handle(key, &state, &model)
                return Outcome(outcome.commands, screen: outcome.screen ?? .joinWaiting(state))
            case var .unlock(state):
                return Outcome(UnlockScreen.handle(key, &state, &model), screen: .unlock(state))
            case var .main(state):
                let commands = MainScreen.handle(key, &state, &model)
                return Outcome(commands, screen: .main(state))
            }
        }
    }

    /// Runs `body` on the current screen, moved out of the model so that changing its large
    /// parts (the entry pages) does not copy them, then stores the screen it returns.
    private static func withScreen(_ model: inout AppModel, _ body: (Screen, inout AppModel) -> Outcome) -> [Command] {
        let screen = model.screen
        model.screen = .starting
        let outcome = body(screen, &model)
        if model.screen == .starting { model.screen = outcome.screen ?? screen }
        return outcome.commands
    }

    static func enterMain(_ model: inout AppModel, _ node: UnlockedNode) -> [Command] {
        model.node = node.summary
        model.lastActivity = model.now
        var state = MainState(node: node, size: model.size)
        let commands = MainScreen.start(&state)
        model.screen = .main(state)
        return commands
    }

    static func quit(_ model: inout AppModel) -> [Command] {
        model.isQuitting = true
        return [.quit]
    }

    static func notify(_ model: inout AppModel, _ text: String, role: Role = .status, seconds: Double = noticeSeconds) {
        model.notice = Notice(text: text, role: role, until: model.now + seconds)
    }

    // MARK: Clock

    private static func tick(_ model: inout AppModel, now: Double) -> [Command] {
        model.now = now
        if let notice = model.notice, notice.until <= now { model.notice = nil }
        guard case let .main(state) = model.screen else { return [] }
        // Never while the node is being moved to its successor: the keys are in use.
        if state.isMovingDatabase { return [] }
        let lockAfter = model.node?.lockAfter ?? Double(IdleLock.defaultMinutes * 60)
        if now - model.lastActivity >= lockAfter {
            return lock(&model, reason: "Locked after \(IdleLock.describe(lockAfter)) without a key press.")
        }
        return []
    }

    /// Wipes the keys and drops every decrypted value with the main screen's state.
    static func lock(_ model: inout AppModel, reason: String) -> [Command] {
        model.screen = .unlock(UnlockState(note: reason))
        model.notice = nil
        return [.lock]
    }
}

/// Idle lock timing.
enum IdleLock {
    static let defaultMinutes = 15

    /// The lock delay in seconds: `HYPHA_LOCK_AFTER_SECONDS` (tests), else the config's
    /// minutes, else 15 minutes.
    static func seconds(configMinutes: Int?, environment: [String: String]) -> Double {
        if let text = environment["HYPHA_LOCK_AFTER_SECONDS"], let seconds = Double(text), seconds > 0 { return seconds }
        if let minutes = configMinutes, minutes > 0 { return Double(minutes) * 60 }
        return Double(defaultMinutes) * 60
    }

    static func describe(_ seconds: Double) -> String {
        if seconds >= 60 && seconds.truncatingRemainder(dividingBy: 60) == 0 {
            let minutes = Int(seconds / 60)
            return "\(minutes) minute\(minutes == 1 ? "" : "s")"
        }
        let whole = Int(seconds.rounded())
        return "\(whole) second\(whole == 1 ? "" : "s")"
    }
}
