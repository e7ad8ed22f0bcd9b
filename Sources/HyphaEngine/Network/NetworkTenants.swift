import Synchronization

/// Other databases whose sessions a listening network also accepts (a node that moved to a
/// successor database keeps serving its predecessor, so that devices which have not heard yet
/// learn of the succession; an always-on node serves both). The responder computes a capability
/// for each hosted database during the key exchange and, when the peer's Open proves one of
/// them, hands the session over to that database's network.
struct NetworkTenant: Sendable {
    let databaseID: DatabaseID
    let settings: SessionSettings
    let executor: StoreExecutor
    /// The tenant's session observer, bound to the host's connection admission (the connection
    /// was admitted by the host's listener).
    let observer: @Sendable (ConnectionAdmission) -> SessionObserver
}

/// The hosted databases of one listening network (thread-safe).
final class NetworkTenants: Sendable {
    private let tenants = Mutex<[DatabaseID: NetworkTenant]>([:])

    func add(_ tenant: NetworkTenant) { tenants.withLock { $0[tenant.databaseID] = tenant } }
    func remove(_ id: DatabaseID) { _ = tenants.withLock { $0.removeValue(forKey: id) } }
    var databaseIDs: [DatabaseID] { tenants.withLock { Array($0.keys) } }
    func tenant(_ id: DatabaseID) -> NetworkTenant? { tenants.withLock { $0[id] } }
}
