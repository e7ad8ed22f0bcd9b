import Dispatch
import Synchronization

/// Async engine work that the effects queue waits for and the main queue may cancel (a follow
/// that is fetching the successor: Esc stops it, and so does quitting, which must not wait for
/// its timeout). The task handle and the cancel request are the only shared state, behind one
/// lock.
final class CancellableRun: Sendable {
    private struct State {
        var task: Task<Void, Never>?
        var cancelled = false
    }
    private let state = Mutex(State())

    /// Forgets an earlier cancel request: called when the work is asked for, before it queues,
    /// so that a cancel pressed while it waits in the queue still counts.
    func reset() { state.withLock { $0.cancelled = false } }

    /// Cancels the running work, or the next one if it has not started yet.
    func cancel() {
        let task = state.withLock { s -> Task<Void, Never>? in
            s.cancelled = true
            return s.task
        }
        task?.cancel()
    }

    /// Runs `body` on the cooperative pool and waits for it (never call from the pool). A
    /// cancel request made before it started cancels it as soon as it starts.
    func run<T: Sendable>(_ body: @escaping @Sendable () async throws -> T) throws -> T {
        let done = DispatchSemaphore(value: 0)
        let result = ResultBox<T>()
        let task = Task.detached {
            let outcome: Result<T, any Error>
            do { outcome = .success(try await body()) } catch { outcome = .failure(error) }
            result.value.withLock { $0 = outcome }
            done.signal()
        }
        let cancelled = state.withLock { s -> Bool in
            s.task = task
            return s.cancelled
        }
        if cancelled { task.cancel() }
        done.wait()
        state.withLock { $0.task = nil }
        return try result.value.withLock { $0! }.get()
    }

    private final class ResultBox<T: Sendable>: Sendable {
        let value = Mutex<Result<T, any Error>?>(nil)
    }
}
