import Foundation

/// Holds the unlocked keys and counts the code using them, so that locking waits for every
/// use in progress (a view batch being decrypted, a batch being signed) before the caller wipes
/// the keys. Without this, a lock during ingest made entries decrypt with zeroed keys and be
/// recorded as undecryptable.
///
/// @unchecked Sendable: `keys` and `users` are only touched with `condition` locked.
final class KeyGate: @unchecked Sendable {
    private let condition = NSCondition()
    private var keys: IdentityKeys?
    private var users = 0

    /// Runs `body` with the keys, or with nil when locked; a concurrent `lock()` waits for it.
    func withKeys<T>(_ body: (IdentityKeys?) throws -> T) rethrows -> T {
        condition.lock()
        let current = keys.flatMap { $0.isWiped ? nil : $0 }
        if current != nil { users += 1 }
        condition.unlock()
        defer {
            if current != nil {
                condition.lock()
                users -= 1
                if users == 0 { condition.broadcast() }
                condition.unlock()
            }
        }
        return try body(current)
    }

    func install(_ identity: IdentityKeys) {
        condition.lock()
        keys = identity
        condition.unlock()
    }

    /// Forgets the keys and returns once nothing uses them any more. Must not be called from
    /// inside `withKeys` (it would wait for itself).
    func lock() {
        condition.lock()
        keys = nil
        while users > 0 { condition.wait() }
        condition.unlock()
    }

    var isUnlocked: Bool {
        condition.lock()
        defer { condition.unlock() }
        return keys.map { !$0.isWiped } ?? false
    }
}
