import Dispatch
import Synchronization

/// Where messages from other threads (the effects queue, engine observers, the backend) wait
/// for the main queue. Posting from any thread is safe; the first message of a batch schedules
/// one drain on the main queue, so a burst of posts costs one wake-up.
final class Inbox: Sendable {
    private let pending = Mutex<[Message]>([])
    private let wake: @Sendable () -> Void

    /// `wake` runs on the main queue when messages are waiting.
    init(wake: @escaping @MainActor @Sendable () -> Void) {
        self.wake = { DispatchQueue.main.async { MainActor.assumeIsolated { wake() } } }
    }

    func post(_ message: Message) {
        let wasEmpty = pending.withLock { queue -> Bool in
            let empty = queue.isEmpty
            queue.append(message)
            return empty
        }
        if wasEmpty { wake() }
    }

    /// Everything waiting, in order. Repeated "the database changed" notices collapse into
    /// one at the place of the last (with the membership flag of any of them): one refresh
    /// after everything else in the batch covers them all.
    func drain() -> [Message] {
        let messages = pending.withLock { queue -> [Message] in
            defer { queue.removeAll(keepingCapacity: true) }
            return queue
        }
        return Self.coalesce(messages)
    }

    static func coalesce(_ messages: [Message]) -> [Message] {
        var last: Int?
        var membership = false
        for (index, message) in messages.enumerated() {
            if case let .databaseChanged(changed) = message {
                last = index
                membership = membership || changed
            }
        }
        guard let last else { return messages }
        return messages.enumerated().compactMap { index, message in
            if case .databaseChanged = message {
                return index == last ? .databaseChanged(membership: membership) : nil
            }
            return message
        }
    }
}
