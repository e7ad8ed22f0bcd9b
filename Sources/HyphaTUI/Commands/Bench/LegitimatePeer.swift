import Foundation
import HyphaEngine

/// The legitimate peer of `hypha bench hostile`: an empty node of the right database that
/// connects to the relay, waits for the session to open (both capabilities verified),
/// disconnects, and does it again, timing each handshake from the dial.
final class LegitimatePeer: @unchecked Sendable {
    private let network: PeerNetwork
    private let condition = NSCondition()
    private var connected = 0        // guarded by `condition`
    private var disconnected = 0
    private(set) var failures = 0

    init(databaseID: DatabaseID, path: String) throws {
        let database = try HyphaDatabase.open(path: path, databaseID: databaseID)
        var configuration = NetworkConfiguration(nodeName: "legitimate")
        configuration.reconnectInitialDelay = .milliseconds(50)
        let box = EventBox()
        network = PeerNetwork(database: database, configuration: configuration) { box.peer?.record($0) }
        box.peer = self
    }

    private func record(_ event: NetworkEvent) {
        condition.lock()
        defer { condition.broadcast(); condition.unlock() }
        switch event {
        case .connected: connected += 1
        case .disconnected: disconnected += 1
        case .connectFailed: failures += 1
        default: break
        }
    }

    /// Milliseconds from dialling to an open session, or nil if none opened within `timeout`.
    func handshake(to address: PeerAddress, timeout: Double = 10) -> Double? {
        condition.lock()
        let before = (connected, disconnected)
        condition.unlock()
        let start = DispatchTime.now().uptimeNanoseconds
        network.connect(to: address)
        let opened = waitUntil(timeout) { connected > before.0 }
        let milliseconds = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e6
        network.disconnect(from: address)
        if opened { _ = waitUntil(10) { disconnected > before.1 } }
        return opened ? milliseconds : nil
    }

    private func waitUntil(_ timeout: Double, _ done: () -> Bool) -> Bool {
        let deadline = Date().addingTimeInterval(timeout)
        condition.lock()
        defer { condition.unlock() }
        while !done() { if !condition.wait(until: deadline) { return done() } }
        return true
    }

    func stop() { Blocking.runQuietly { await self.network.shutdown() } }

    // Set right after init, before the first dial; read on event-loop threads afterwards.
    private final class EventBox: @unchecked Sendable { weak var peer: LegitimatePeer? }
}

extension Blocking {
    static func runQuietly(_ body: @escaping @Sendable () async -> Void) { _ = try? run { await body() } }
}
