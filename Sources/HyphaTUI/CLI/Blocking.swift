import Dispatch

/// Runs async engine work from a synchronous command: the calling thread waits; the work runs
/// on the cooperative pool and the node's own queues.
enum Blocking {
    static func run<T: Sendable>(_ body: @escaping @Sendable () async throws -> T) throws -> T {
        let done = DispatchSemaphore(value: 0)
        let box = ResultBox<T>()
        Task.detached {
            do { box.result = .success(try await body()) } catch { box.result = .failure(error) }
            done.signal()
        }
        done.wait()
        return try box.result!.get()
    }

    // Written by the task before the semaphore is signalled, read after: no overlap.
    private final class ResultBox<T>: @unchecked Sendable { var result: Result<T, any Error>? }
}
