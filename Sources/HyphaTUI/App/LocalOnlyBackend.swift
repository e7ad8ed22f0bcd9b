import Dispatch
import HyphaEngine
import Synchronization

/// The node runtime without a network: no peers, no authorisation requests, no joining.
/// Revoking works for real, since it only needs the database and the root key. Like the
/// network runtime it polls `PRAGMA data_version` every 50 ms, so commits by other processes
/// (a `hypha put` beside the app) show at once.
final class LocalOnlyBackend: NodeBackend {
    private struct State {
        var node: OpenNode?
        var handler: (@Sendable (BackendEvent) -> Void)?
        var timer: TimerHolder?
        var counter: Int64 = 0
    }
    private let state = Mutex(State())
    private let pollInterval: DispatchTimeInterval
    private let queue = DispatchQueue(label: "hypha.local-poll")

    init(pollInterval: DispatchTimeInterval = .milliseconds(50)) {
        self.pollInterval = pollInterval
    }

    func setEventHandler(_ handler: @escaping @Sendable (BackendEvent) -> Void) {
        state.withLock { $0.handler = handler }
    }

    private var node: OpenNode? { state.withLock { $0.node } }

    func start(_ node: OpenNode) throws {
        let counter = (try? node.database.externalChangeCounter()) ?? 0
        let timer = DispatchSource.makeTimerSource(queue: queue)
        timer.schedule(deadline: .now() + pollInterval, repeating: pollInterval)
        timer.setEventHandler { [weak self] in self?.poll() }
        let old = state.withLock { s -> TimerHolder? in
            defer { s.node = node; s.counter = counter; s.timer = TimerHolder(timer) }
            return s.timer
        }
        old?.timer.cancel()
        timer.resume()
    }

    /// Commits by other processes: apply them to the view and tell the app.
    private func poll() {
        guard let database = node?.database, let counter = try? database.externalChangeCounter() else { return }
        let changed = state.withLock { s -> Bool in
            defer { s.counter = counter }
            return s.counter != counter
        }
        guard changed else { return }
        try? database.catchUpView()
        state.withLock { $0.handler }?(.databaseChanged(membership: true))
    }

    func stop() {
        let timer = state.withLock { s -> TimerHolder? in
            defer { s.node = nil; s.timer = nil }
            return s.timer
        }
        timer?.timer.cancel()
        queue.sync {}
    }

    func shutdown() { stop() }

    var listenAddress: String? { nil }

    var joinStatus: JoinStatus? { nil }

    func peers() -> [PeerRow] { [] }

    func pendingRequests() -> [RequestRow] { [] }

    func requestOutcome(id: String) -> RequestOutcome { .gone }

    func authorise(requestID: String) throws { throw Self.noNetwork("authorising a node") }

    func deny(requestID: String) throws { throw Self.noNetwork("denying a node") }

    func join(_ request: JoinRequest) throws -> OpenNode {
        request.passphrase.wipe()
        throw Self.noNetwork("joining")
    }

    func revoke(writer: PublicKey) throws {
        guard let node else { throw NodeError.locked }
        try node.database.revoke(writer: writer)
    }

    private static func noNetwork(_ what: String) -> BackendError {
        BackendError(description: "\(what) needs the network runtime, which this build does not have yet")
    }
}

/// A dispatch timer kept in a mutex-guarded state. `@unchecked Sendable`: DispatchSource is
/// thread-safe; the holder only stores it for cancelling.
final class TimerHolder: @unchecked Sendable {
    let timer: DispatchSourceTimer
    init(_ timer: DispatchSourceTimer) { self.timer = timer }
}
