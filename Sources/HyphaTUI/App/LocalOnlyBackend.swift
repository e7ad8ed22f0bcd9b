import HyphaEngine
import Synchronization

/// The node runtime without a network: no peers, no authorisation requests, no joining.
/// Revoking works for real, since it only needs the database and the root key.
final class LocalOnlyBackend: NodeBackend {
    private let node = Mutex<OpenNode?>(nil)
    private let clock: @Sendable () -> UInt64

    init(clock: @escaping @Sendable () -> UInt64 = HyphaDatabase.wallClock) {
        self.clock = clock
    }

    func setEventHandler(_ handler: @escaping @Sendable (BackendEvent) -> Void) {}

    func start(_ node: OpenNode) throws { self.node.withLock { $0 = node } }

    func stop() { node.withLock { $0 = nil } }

    var listenAddress: String? { nil }

    func peers() -> [PeerRow] { [] }

    func pendingRequests() -> [RequestRow] { [] }

    func authorise(requestID: String) throws { throw Self.noNetwork("authorising a node") }

    func deny(requestID: String) throws { throw Self.noNetwork("denying a node") }

    func join(_ request: JoinRequest) throws -> OpenNode {
        request.passphrase.wipe()
        throw Self.noNetwork("joining")
    }

    func revoke(writer: PublicKey) throws {
        guard let node = node.withLock({ $0 }) else { throw NodeError.locked }
        try Revocation.revoke(writer, in: node.database, root: node.keys.root, now: clock())
    }

    private static func noNetwork(_ what: String) -> BackendError {
        BackendError(description: "\(what) needs the network runtime, which this build does not have yet")
    }
}

/// Revoking a writer: a root-signed remove-writer whose cut-off is the writer's log as this
/// node holds it (its length and the BLAKE2b-256 of its last block), so every node ignores
/// exactly the same later entries.
enum Revocation {
    static func revoke(_ writer: PublicKey, in database: HyphaDatabase, root: SigningKeyPair, now: UInt64) throws {
        guard let info = try database.writers().first(where: { $0.key == writer }) else {
            throw NodeError.noSuchNode(writer.shortHex)
        }
        guard info.status != .removed else {
            throw BackendError(description: "node \(info.name.map { Sanitise.forTerminal($0) } ?? writer.shortHex) is already revoked")
        }
        let length = info.length
        var hash = [UInt8](repeating: 0, count: 32)
        if length > 0 {
            let chunk = try database.chunks(writer: writer, start: length - 1, end: length, maxBytes: 1).first
            guard let last = chunk?.blocks.first, chunk?.start == length - 1 else {
                throw BackendError(description: "block \(length - 1) of \(writer.shortHex) is missing; cannot fix the cut-off")
            }
            hash = Blake2b.hash(last)
        }
        try database.append(membership: [
            .make(.removeWriter(writer: writer, cutoffLength: length, cutoffHash: hash), database: root, createdAt: now),
        ])
    }
}
