import NIOCore
import Synchronization

/// Live connections and sessions of one `PeerNetwork`, safe to use from any thread.
final class PeerRegistry: Sendable {
    private struct Entry {
        var handle: SessionHandle
        var info: PeerInfo
    }

    private struct State {
        var nextID: UInt64 = 1
        var channels: [ConnectionID: Channel] = [:]
        var sessions: [ConnectionID: Entry] = [:]
        var dialers: [ConnectionID: Dialer] = [:]
    }

    private let state = Mutex(State())

    func newID() -> ConnectionID {
        state.withLock { s in
            defer { s.nextID += 1 }
            return ConnectionID(rawValue: s.nextID)
        }
    }

    /// Tracks a channel from its start until it closes (so that shutdown can close it).
    func track(_ channel: Channel, id: ConnectionID, dialer: Dialer? = nil) {
        state.withLock { s in
            s.channels[id] = channel
            if let dialer { s.dialers[id] = dialer }
        }
        channel.closeFuture.whenComplete { [weak self] _ in
            self?.state.withLock { s in
                s.channels[id] = nil
                s.dialers[id] = nil
            }
        }
    }

    func dialer(for id: ConnectionID) -> Dialer? { state.withLock { $0.dialers[id] } }

    func opened(_ handle: SessionHandle, info: PeerInfo) {
        state.withLock { $0.sessions[info.id] = Entry(handle: handle, info: info) }
    }

    func setSyncState(_ id: ConnectionID, _ syncState: SyncState) {
        state.withLock { $0.sessions[id]?.info.syncState = syncState }
    }

    /// Forgets a session; whether it was listed (opened and admitted).
    @discardableResult
    func closed(_ id: ConnectionID) -> Bool {
        state.withLock { $0.sessions.removeValue(forKey: id) } != nil
    }

    func handles(except: ConnectionID? = nil) -> [SessionHandle] {
        state.withLock { s in s.sessions.values.filter { $0.info.id != except }.map(\.handle) }
    }

    func handle(_ id: ConnectionID) -> SessionHandle? { state.withLock { $0.sessions[id]?.handle } }

    func infos() -> [PeerInfo] {
        state.withLock { s in s.sessions.values.map(\.info).sorted { $0.id < $1.id } }
    }

    func allChannels() -> [(ConnectionID, Channel)] { state.withLock { $0.channels.map { ($0.key, $0.value) } } }
}
