import Dispatch
import Foundation
import HyphaEngine
import Widgets

/// The event loop: one serial context, the main queue, after `dispatchMain()`.
///
/// Keys (a read source on stdin), signals (SIGWINCH, SIGINT/SIGTERM/SIGHUP) and a tick timer
/// are Dispatch sources on the main queue; results from the effects queue arrive through the
/// inbox. Every message goes through `App.update`; commands go to the effects runner; a frame
/// is drawn at most once per main-queue turn however many messages arrived. Only this class
/// and `NcursesTerminal` run on the main queue, and only they touch ncurses.
@MainActor
final class AppRuntime {
    static let tickInterval = 0.1

    private var model: AppModel
    private let terminal: NcursesTerminal
    private let directory: DataDirectory
    private let backend: any NodeBackend
    private let environment: [String: String]
    private var sources: [any DispatchSourceProtocol] = []
    private var drawScheduled = false
    private var decoder = KeyDecoder.Stream()
    private let started = DispatchTime.now()

    private lazy var inbox = Inbox { [weak self] in self?.drainInbox() }
    private lazy var effects = EffectsRunner(directory: directory, backend: backend, environment: environment) { [inbox] in
        inbox.post($0)
    }

    init(terminal: NcursesTerminal, directory: DataDirectory, backend: any NodeBackend, environment: [String: String],
         joinPeer: String? = nil) {
        self.terminal = terminal
        self.directory = directory
        self.backend = backend
        self.environment = environment
        model = AppModel(size: terminal.size, hostName: NodeName.defaultName(), joinPeer: joinPeer)
    }

    /// Starts the sources and never returns: the app ends through `quit`.
    func run() -> Never {
        installSources()
        send(.tick(now: clock()))
        perform(.openNode)
        draw()
        dispatchMain()
    }

    // MARK: Messages

    private func send(_ message: Message) {
        let before = (screen: model.screen.name, notice: model.notice)
        for command in App.update(&model, message) { perform(command) }
        // A tick changes the screen only through animation, a lock or a notice expiring.
        if case .tick = message, !model.isAnimating, model.screen.name == before.screen, model.notice == before.notice {
            return
        }
        setNeedsDraw()
    }

    private func perform(_ command: Command) {
        if command == .quit {
            quit(status: 0)
        }
        effects.submit(command)
    }

    private func drainInbox() {
        for message in inbox.drain() { send(message) }
    }

    private func readKeys() {
        for key in decoder.keys(from: terminal.readInputs()) {
            if key == .resize {
                resize()
            } else {
                send(.key(key))
            }
        }
    }

    private func resize() {
        let size = terminal.refreshSize()
        if size != model.size { send(.resize(size)) }
    }

    // MARK: Drawing

    private func setNeedsDraw() {
        guard !drawScheduled else { return }
        drawScheduled = true
        DispatchQueue.main.async { MainActor.assumeIsolated { self.draw() } }
    }

    private func draw() {
        drawScheduled = false
        terminal.draw(App.view(model, size: model.size, theme: terminal.theme))
    }

    // MARK: Sources and exit

    private func installSources() {
        let input = DispatchSource.makeReadSource(fileDescriptor: STDIN_FILENO, queue: .main)
        input.setEventHandler { MainActor.assumeIsolated { self.readKeys() } }
        sources.append(input)

        let winch = DispatchSource.makeSignalSource(signal: SIGWINCH, queue: .main)
        winch.setEventHandler { MainActor.assumeIsolated { self.resize() } }
        sources.append(winch)

        // Ctrl-C is a key like any other (the terminal sends SIGINT for it): the editor treats it
        // as Esc and asks before unsaved text is lost. SIGTERM and SIGHUP quit at once.
        signal(SIGINT, SIG_IGN)
        let interrupt = DispatchSource.makeSignalSource(signal: SIGINT, queue: .main)
        interrupt.setEventHandler { MainActor.assumeIsolated { self.send(.key(.ctrl("c"))) } }
        sources.append(interrupt)
        for signalNumber in [SIGTERM, SIGHUP] {
            signal(signalNumber, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: signalNumber, queue: .main)
            source.setEventHandler { MainActor.assumeIsolated { () -> Void in self.quit(status: 128 + signalNumber) } }
            sources.append(source)
        }

        let timer = DispatchSource.makeTimerSource(queue: .main)
        timer.schedule(deadline: .now() + Self.tickInterval, repeating: Self.tickInterval)
        timer.setEventHandler { MainActor.assumeIsolated { self.send(.tick(now: self.clock())) } }
        sources.append(timer)

        for source in sources { source.resume() }
    }

    /// Seconds since the app started (monotonic).
    private func clock() -> Double {
        Double(DispatchTime.now().uptimeNanoseconds - started.uptimeNanoseconds) / 1e9
    }

    /// Wipes the keys, restores the terminal and exits.
    private func quit(status: Int32) -> Never {
        for source in sources { source.cancel() }
        effects.shutdown()
        terminal.end()
        exit(status)
    }
}
