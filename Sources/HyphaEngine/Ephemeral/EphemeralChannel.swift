/// Wires one database's relay and (on nodes with the channel key) receiver to the network.
/// Networking calls `handleIncoming` for each ephemeral network message and provides
/// `broadcast(envelope, hops, except)`, which sends to every connection of this database
/// except `except` (nil: to all).
///
/// Thread-safe: the relay and receiver are; `broadcast` must be too.
public final class EphemeralChannel<Connection: Hashable & Sendable>: Sendable {
    public typealias Broadcast = @Sendable (_ envelope: [UInt8], _ hops: UInt8, _ except: Connection?) -> Void

    public let relay: EphemeralRelay<Connection>
    public let receiver: EphemeralReceiver?
    private let broadcast: Broadcast

    /// `receiver` nil: a keyless relay (the always-on node) that only forwards.
    public init(relay: EphemeralRelay<Connection>, receiver: EphemeralReceiver?, broadcast: @escaping Broadcast) {
        self.relay = relay
        self.receiver = receiver
        self.broadcast = broadcast
    }

    /// Forwards the envelope if the relay rules allow and returns it decrypted when this node
    /// can read it and has not seen it; nil otherwise (every drop is silent).
    @discardableResult
    public func handleIncoming(_ envelope: [UInt8], hops: UInt8, from source: Connection) -> EphemeralMessage? {
        guard case let .success(decision) = relay.decide(envelope, hops: hops, from: source) else { return nil }
        if let forwardHops = decision.forwardHops { broadcast(envelope, forwardHops, source) }
        guard decision.deliverLocally, let receiver, case let .success(message) = receiver.receive(envelope) else { return nil }
        return message
    }

    /// Sends an envelope this node made (see `EphemeralEnvelope.seal`) to every peer.
    public func send(_ envelope: [UInt8]) {
        relay.noteOwnEnvelope(envelope)
        broadcast(envelope, relay.limits.maximumHops, nil)
    }
}
