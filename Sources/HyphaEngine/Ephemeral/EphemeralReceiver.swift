import Synchronization

/// Opens envelopes for a node that holds the channel key. Checks, in this order: size, magic,
/// version, flags and a known type; the discovery id; the time window (at most 10 minutes old,
/// at most 2 minutes ahead); not already seen; decryption. A failure to decrypt is dropped
/// without recording the message id, so garbage cannot block a later genuine envelope; a
/// success is recorded in the seen-set until `sentAt` + 24 h and returned.
///
/// Thread-safe: the configuration is immutable and the seen-set store is itself thread-safe.
public final class EphemeralReceiver: Sendable {
    public let discoveryID: DiscoveryID
    private let channelKey: SecureBytes
    private let seen: any SeenMessageStore
    private let now: @Sendable () -> EpochMilliseconds
    /// When expired ids were last pruned; pruning runs at most once per `pruneInterval`.
    private let lastPrune = Mutex<EpochMilliseconds>(0)
    private static let pruneInterval: EpochMilliseconds = 10 * 60 * 1000

    public init(databaseID: DatabaseID, channelKey: SecureBytes, seen: any SeenMessageStore,
                now: @escaping @Sendable () -> EpochMilliseconds = EphemeralTiming.systemClock) {
        discoveryID = DiscoveryID(databaseID: databaseID)
        self.channelKey = channelKey
        self.seen = seen
        self.now = now
    }

    public func receive(_ envelope: [UInt8]) -> Result<EphemeralMessage, EnvelopeRejection> {
        let now = self.now()
        let header: EnvelopeHeader
        switch EphemeralEnvelope.screen(envelope, discoveryID: discoveryID, now: now, requireKnownType: true) {
        case let .success(h): header = h
        case let .failure(rejection): return .failure(rejection)
        }
        guard let type = header.type else { return .failure(.unknownType(header.typeCode)) }
        do {
            guard try !seen.contains(header.messageID) else { return .failure(.alreadySeen) }
            guard let body = EphemeralEnvelope.open(envelope, channelKey: channelKey) else { return .failure(.undecryptable) }
            let (expiry, overflow) = header.sentAt.addingReportingOverflow(EphemeralTiming.seenRetention)
            guard try seen.insert(header.messageID, expiresAt: overflow ? .max : expiry) else { return .failure(.alreadySeen) }
            pruneIfDue(now: now)
            return .success(EphemeralMessage(header: header, type: type, body: body))
        } catch {
            // Without a working seen-set a replay could not be detected: fail closed.
            return .failure(.seenStoreUnavailable)
        }
    }

    private func pruneIfDue(now: EpochMilliseconds) {
        let due = lastPrune.withLock { last -> Bool in
            guard now >= last &+ Self.pruneInterval || now < last else { return false }
            last = now
            return true
        }
        if due { _ = try? seen.removeExpired(now: now) }
    }
}
