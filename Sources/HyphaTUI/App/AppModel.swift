import Widgets

/// The whole state of the app: a value, changed only by `App.update` on the main queue and
/// drawn by `App.view`. It holds no keys and no engine objects; decrypted values live only in
/// the main screen's state and are dropped when the app locks.
struct AppModel: Equatable {
    var size: Size
    /// The clock from the last tick (monotonic seconds).
    var now: Double = 0
    /// When the person last pressed a key.
    var lastActivity: Double = 0
    var screen: Screen = .starting
    var node: NodeSummary?
    /// A short message in the bottom row ("saved 'notes/tips'"), until `until`.
    var notice: Notice?
    /// Set once `quit` was emitted.
    var isQuitting = false
    /// The default node name offered when creating or joining (the host name).
    var hostName: String
    /// The peer given with `--peer`, offered in the join form.
    var joinPeer: String?

    init(size: Size, hostName: String = "node", joinPeer: String? = nil) {
        self.size = size
        self.hostName = hostName
        self.joinPeer = joinPeer
    }

    /// Whether a spinner or progress bar is showing, so ticks must redraw.
    var isAnimating: Bool {
        switch screen {
        case .starting: return true
        case let .unlock(state): return state.isDeriving
        case let .create(state): return state.step == .deriving || state.step == .generating
        case let .join(state): return state.isWorking
        case let .joinWaiting(state): return !state.isAuthorised
        case let .main(state):
            // The authorise alert's "keys work in a moment" note must go when the moment ends.
            if let modal = state.modal, case .authorise = modal.purpose, now - modal.openedAt < MainScreen.alertGrace + 0.5 { return true }
            // The spinners of a change of passphrase or a follow.
            if state.changePassphrase?.isAnimating == true || state.followPrompt?.isWorking == true { return true }
            // Retry countdowns in the peers pane.
            return state.peers.contains { if case .retrying = $0.state { return true } else { return false } }
        case .welcome, .failed: return false
        }
    }
}

/// The screen the app shows.
enum Screen: Equatable {
    /// Opening the data directory.
    case starting
    /// No node in the data directory.
    case welcome(WelcomeState)
    case create(CreateState)
    case join(JoinState)
    case joinWaiting(JoinWaitState)
    case unlock(UnlockState)
    case main(MainState)
    /// Nothing can be done (a broken config, an always-on node): the reason, and q quits.
    case failed(String)

    /// A name for tests and redraw decisions.
    var name: String {
        switch self {
        case .starting: return "starting"
        case .welcome: return "welcome"
        case .create: return "create"
        case .join: return "join"
        case .joinWaiting: return "joinWaiting"
        case .unlock: return "unlock"
        case .main: return "main"
        case .failed: return "failed"
        }
    }
}

/// A transient message in the bottom row.
struct Notice: Equatable {
    var text: String
    var role: Role
    var until: Double
}
