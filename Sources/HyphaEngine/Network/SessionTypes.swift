import NIOCore

/// What a peer told us about itself in its Open (the name is sanitised for display).
public struct RemoteNode: Sendable, Equatable {
    public var nodeName: String
    public var flags: PeerFlags
    public var nodeNonce: UInt64

    public init(nodeName: String, flags: PeerFlags, nodeNonce: UInt64) {
        self.nodeName = nodeName
        self.flags = flags
        self.nodeNonce = nodeNonce
    }
}

/// Who we are, as sent in our Open.
public struct LocalNode: Sendable, Equatable {
    public var nodeName: String
    public var flags: PeerFlags
    /// Random per running node, so that a connection to ourselves can be recognised.
    public var nodeNonce: UInt64

    public init(nodeName: String, flags: PeerFlags, nodeNonce: UInt64 = UInt64.random(in: 1...UInt64.max)) {
        self.nodeName = String(decoding: Array(nodeName.utf8).truncatedUTF8(to: WireLimits.maxNodeNameBytes), as: UTF8.self)
        self.flags = flags
        self.nodeNonce = nodeNonce
    }
}

/// A store failure, carried as text (errors are not `Equatable`).
struct StoreFailure: Error, Equatable, Sendable {
    let message: String
    init(_ error: Error) { message = String(describing: error) }
    init(message: String) { self.message = message }
}

/// Why the session asks the store for chunks.
enum ChunkPurpose: Sendable, Equatable {
    /// Answering the peer's Want.
    case serve
    /// Pushing a local append to a peer that is exactly at our previous length.
    case push
}

struct ChunkRequest: Sendable, Equatable {
    var purpose: ChunkPurpose
    var writer: PublicKey
    var start: UInt64
    var end: UInt64
    var maxBytes: Int
}

/// What a session tells its owner.
enum SessionEvent: Sendable, Equatable {
    case opened(RemoteNode)
    case progress(writer: PublicKey, localLength: UInt64, remoteLength: UInt64)
    /// We hold everything the peer advertised (or all it could give).
    case synced
    /// We learned that the peer has more than we do.
    case syncing
    /// A chunk from this peer was stored up to its signed head (to announce to other peers).
    case ingested(SignedHead)
    case ephemeral(hops: UInt8, envelope: [UInt8])
    /// The peer gave us evidence we did not hold (the store kept it).
    case evidenceLearned(Evidence)
    case rejectedData(writer: PublicKey, reason: String)
    /// The local store returned something unusable or failed while serving; logged.
    case storeProblem(String)
}

/// Everything that can happen to a session.
enum SessionInput: Sendable, Equatable {
    case established(SessionCapabilities)
    case received(WireMessage)
    case headsLoaded(Result<[SignedHead], StoreFailure>)
    case chunksLoaded(ChunkRequest, Result<[BlockChunk], StoreFailure>)
    case ingested(BlockChunk, Result<IngestResult, StoreFailure>)
    case localChange([SignedHead])
    case sendEphemeral(hops: UInt8, envelope: [UInt8])
    case evidenceLoaded(Result<[Evidence], StoreFailure>)
    case ceilingsLoaded(Result<[PublicKey: UInt64], StoreFailure>)
    case evidenceIngested(Evidence, Result<EvidenceResult, StoreFailure>)
    /// New evidence to give the peer.
    case sendEvidence([Evidence])
    /// Who may write changed here: logs refused before may now be stored.
    case membershipChanged
    case writabilityChanged(Bool)
    /// Nothing was written for a while: send a Ping.
    case keepAliveDue
    /// Nothing was received for too long.
    case silenceTimeout
    case shutdown(CloseReason, String)
    /// The transport below failed (bad frame, decryption failure, malformed message).
    case transportFailed(String)
    case transportClosed
}

/// What a session asks its driver to do, in order.
enum SessionAction: Sendable, Equatable {
    case send(WireMessage)
    case loadHeads
    case loadChunks(ChunkRequest)
    case ingest(BlockChunk)
    case loadEvidence
    case loadCeilings
    case ingestEvidence(Evidence)
    case report(SessionEvent)
    case pauseReading
    case resumeReading
    /// The peer pushed this many block bytes unasked that do not count here: pay them from the
    /// node's budget, or close the session as overloaded when it is spent.
    case chargeUnaskedUncounted(bytes: Int)
    /// Close the connection; when `notifyPeer`, a Close message goes out first.
    case close(CloseReason, String, notifyPeer: Bool)
}

extension BlockChunk {
    /// Exact size of this chunk as a Data message.
    var dataMessageSize: Int {
        var size = 1 + PublicKey.length + varintSize(start) + varintSize(UInt64(blocks.count)) + SignedHead.encodedLength
        for block in blocks { size += varintSize(UInt64(block.count)) + block.count }
        return size
    }
}

func varintSize(_ value: UInt64) -> Int {
    var v = value
    var n = 1
    while v >= 0x80 { v >>= 7; n += 1 }
    return n
}
