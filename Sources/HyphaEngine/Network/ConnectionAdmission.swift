import NIOCore
import Synchronization

/// Who may take a place among this node's inbound connections (PROTOCOL.md, "Connection limits and
/// budgets"). A connection is *handshaking* from accept until the peer's Open verifies, then a *peer*.
/// Handshaking connections are capped in total and per source address (an IPv4 address, or the
/// /64 of an IPv6 one). When a cap is reached, the oldest handshaking connection of that source
/// (or, when all places are taken, of the source holding the most) is closed to make room, so a
/// flood cannot keep a legitimate peer out: a newcomer always gets a place, and keeps it for its
/// handshake unless its own address holds as many places as the attacker's busiest one. Peers have
/// caps of their own, in total and per address. Thread-safe.
final class ConnectionAdmission: Sendable {
    struct Limits: Sendable, Equatable {
        var handshaking: Int
        var handshakingPerSource: Int
        var peers: Int
        var peersPerSource: Int
    }

    private struct Pending {
        let source: String
        let channel: Channel
    }

    private struct State {
        var pending: [ConnectionID: Pending] = [:]
        var perSource: [String: Int] = [:]
        var peers: [ConnectionID: String] = [:]
        var peersPerSource: [String: Int] = [:]
        var evicted = 0
    }

    let limits: Limits
    private let state = Mutex(State())

    init(limits: Limits) { self.limits = limits }

    /// Admits an accepted connection, closing the oldest handshaking one when a cap is reached.
    func admit(_ id: ConnectionID, channel: Channel) {
        let source = Self.sourceKey(channel.remoteAddress)
        let victims = state.withLock { s -> [Channel] in
            var victims: [Channel] = []
            if s.perSource[source, default: 0] >= max(1, limits.handshakingPerSource),
               let oldest = Self.oldest(in: s, from: [source]) {
                victims.append(Self.remove(oldest, from: &s))
            }
            if s.pending.count >= max(1, limits.handshaking), let most = s.perSource.values.max() {
                let busiest = Set(s.perSource.filter { $0.value == most }.keys)
                if let oldest = Self.oldest(in: s, from: busiest) { victims.append(Self.remove(oldest, from: &s)) }
            }
            s.evicted += victims.count
            s.pending[id] = Pending(source: source, channel: channel)
            s.perSource[source, default: 0] += 1
            return victims
        }
        for victim in victims { victim.close(promise: nil) }
    }

    /// The peer proved the capability: it leaves the handshaking places. False when every peer
    /// place is taken, or every one its address may hold (the caller closes it as overloaded).
    func promote(_ id: ConnectionID) -> Bool {
        state.withLock { s in
            guard let source = s.pending[id]?.source else { return false }   // already evicted
            _ = Self.remove(id, from: &s)
            guard s.peers.count < limits.peers, s.peersPerSource[source, default: 0] < limits.peersPerSource else {
                return false
            }
            s.peers[id] = source
            s.peersPerSource[source, default: 0] += 1
            return true
        }
    }

    func closed(_ id: ConnectionID) {
        state.withLock { s in
            if s.pending[id] != nil { _ = Self.remove(id, from: &s) }
            if let source = s.peers.removeValue(forKey: id) {
                let left = s.peersPerSource[source, default: 1] - 1
                s.peersPerSource[source] = left > 0 ? left : nil
            }
        }
    }

    /// (handshaking, peers, evicted so far), for tests and status.
    var counts: (handshaking: Int, peers: Int, evicted: Int) {
        state.withLock { ($0.pending.count, $0.peers.count, $0.evicted) }
    }

    private static func oldest(in s: State, from sources: Set<String>) -> ConnectionID? {
        var oldest: ConnectionID?
        for (id, entry) in s.pending where sources.contains(entry.source) {
            if oldest.map({ id < $0 }) ?? true { oldest = id }
        }
        return oldest
    }

    private static func remove(_ id: ConnectionID, from s: inout State) -> Channel {
        let entry = s.pending.removeValue(forKey: id)!
        let left = s.perSource[entry.source, default: 1] - 1
        s.perSource[entry.source] = left > 0 ? left : nil
        return entry.channel
    }

    /// An IPv4 address, or the first 64 bits of an IPv6 one (one host usually holds a whole /64).
    static func sourceKey(_ address: SocketAddress?) -> String {
        guard let address, let ip = address.ipAddress else { return "unknown" }
        guard case let .v6(v6) = address else { return ip }
        let bytes = withUnsafeBytes(of: v6.address.sin6_addr) { Array($0) }
        if bytes[0..<10].allSatisfy({ $0 == 0 }) && bytes[10] == 0xFF && bytes[11] == 0xFF {
            return bytes[12..<16].map(String.init).joined(separator: ".")   // IPv4-mapped
        }
        let words = stride(from: 0, to: 8, by: 2).map { String(UInt16(bytes[$0]) << 8 | UInt16(bytes[$0 + 1]), radix: 16) }
        return words.joined(separator: ":") + "::/64"
    }
}
