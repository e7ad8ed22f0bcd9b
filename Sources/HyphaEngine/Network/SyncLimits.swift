/// Windows and bounds of one sync session. The defaults are the protocol's recommended values;
/// tests shrink them to exercise windowing with few blocks.
public struct SyncLimits: Sendable, Equatable {
    /// Blocks requested from one peer and not yet received, across all writers.
    public var maxBlocksInFlight: UInt64 = 16384
    /// Blocks asked for by one Want.
    public var wantSpan: UInt64 = 4096
    /// Wants outstanding per writer (two keep the pipe full while one is answered).
    public var maxOutstandingWantsPerWriter = 2
    /// `maxBytes` passed to `ReplicationStore.chunks`: block data per Data message.
    public var chunkMaxBytes = 2 * 1024 * 1024
    /// Blocks fetched from the store per step while answering one Want.
    public var serveStepBlocks: UInt64 = 4096
    /// Wants a peer may queue with us before it is disconnected as abusive.
    public var maxQueuedWants = 1024
    /// Received block bytes waiting for the store before we stop reading from the peer…
    public var maxPendingIngestBytes = 8 * 1024 * 1024
    /// …and the level at which reading resumes.
    public var resumeIngestBytes = 4 * 1024 * 1024
    /// A local append of at most this many blocks is pushed as Data to a peer known to be exactly
    /// at our previous length (saves a round trip); larger ones are announced with Have.
    public var pushMaxBlocks: UInt64 = 4096
    /// A log we hold nothing of is first asked for only this far (one block: if its writer turns
    /// out to be one nobody added, little more than its budget is fetched, however large the
    /// peer makes its blocks); the store's ceilings decide the rest.
    public var firstAskBlocks: UInt64 = 1
    /// Distinct writers one session tracks; a peer advertising more is disconnected.
    public var maxTrackedWriters = 65536

    public init() {}
}
