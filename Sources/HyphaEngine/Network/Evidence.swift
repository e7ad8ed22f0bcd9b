/// Evidence that travels between nodes apart from the logs (docs/PROTOCOL.md, "Evidence"): a
/// fork proof, or a proven block (a removal, or the block at a removal's cut-off). Every node
/// gives all it holds to each peer when a session opens and new evidence as it learns it;
/// receivers verify it on their own before keeping it.
public enum Evidence: Sendable, Equatable {
    case fork(ForkProof)
    case block(ProvenBlock)

    /// Kind bytes on the wire.
    enum Kind: UInt8 {
        case fork = 1
        case block = 2
    }

    var kind: Kind {
        switch self {
        case .fork: return .fork
        case .block: return .block
        }
    }

    /// The encoded proof (its own format, versioned).
    var payload: [UInt8] {
        switch self {
        case let .fork(proof): return proof.encoded
        case let .block(proven): return proven.encoded
        }
    }

    init(kind: UInt8, payload: [UInt8]) throws {
        switch Kind(rawValue: kind) {
        case .fork: self = .fork(try ForkProof(encoded: payload))
        case .block: self = .block(try ProvenBlock(encoded: payload))
        case nil: throw WireCodingError.malformed("unknown evidence kind \(kind)")
        }
    }
}

/// What the store did with evidence from a peer.
public enum EvidenceResult: Sendable, Equatable {
    /// Verified and kept: it changes what counts here (give it to the other peers).
    case new
    /// Already held, or not needed here.
    case known
    /// It does not verify: the peer sent bad data.
    case rejected(reason: String)
}
