import HyphaEngine
import Synchronization

/// The node runtime without a network: no peers, no authorisation requests, no joining.
/// Revoking works for real, since it only needs the database and the root key.
final class LocalOnlyBackend: NodeBackend {
    private let node = Mutex<OpenNode?>(nil)

    init() {}

    func setEventHandler(_ handler: @escaping @Sendable (BackendEvent) -> Void) {}

    func start(_ node: OpenNode) throws { self.node.withLock { $0 = node } }

    func stop() { node.withLock { $0 = nil } }

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
        guard let node = node.withLock({ $0 }) else { throw NodeError.locked }
        try node.database.revoke(writer: writer)
    }

    private static func noNetwork(_ what: String) -> BackendError {
        BackendError(description: "\(what) needs the network runtime, which this build does not have yet")
    }
}
