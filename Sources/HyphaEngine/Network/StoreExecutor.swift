import Dispatch
import NIOCore

/// Runs store calls off the event loops, one at a time, and hands results back on the caller's
/// event loop. SQLite may be slow; event loops must never wait for it.
public struct StoreExecutor: Sendable {
    public let store: any ReplicationStore
    private let queue: DispatchQueue?

    /// Store calls run on `queue` (serial), or on a new serial queue for this store.
    public init(store: any ReplicationStore, queue: DispatchQueue? = nil) {
        self.store = store
        self.queue = queue ?? DispatchQueue(label: "hypha.network.store")
    }

    /// Store calls run right away on the calling thread (for EmbeddedChannel tests, whose event
    /// loop may only be touched from one thread).
    static func inline(_ store: any ReplicationStore) -> StoreExecutor { StoreExecutor(inlineStore: store) }

    private init(inlineStore: any ReplicationStore) {
        store = inlineStore
        queue = nil
    }

    func run<T: Sendable>(on loop: EventLoop, _ work: @escaping @Sendable (any ReplicationStore) throws -> T) -> EventLoopFuture<T> {
        let store = self.store
        guard let queue else {
            return loop.makeCompletedFuture(Result { try work(store) })
        }
        let promise = loop.makePromise(of: T.self)
        queue.async { promise.completeWith(Result { try work(store) }) }
        return promise.futureResult
    }
}
