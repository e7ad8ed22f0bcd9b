import Dispatch

/// A value owned by one serial queue: read and changed only on that queue, which every access
/// checks. Code elsewhere reaches it through the owner's `onQueue`.
///
/// @unchecked Sendable: `value` is touched only inside `withValue`, which asserts it runs on
/// `queue` (a serial queue, so one access at a time).
final class QueueConfined<Value>: @unchecked Sendable {
    private let queue: DispatchQueue
    private var value: Value

    init(_ value: Value, queue: DispatchQueue) {
        self.value = value
        self.queue = queue
    }

    func withValue<T>(_ body: (inout Value) throws -> T) rethrows -> T {
        dispatchPrecondition(condition: .onQueue(queue))
        return try body(&value)
    }
}
