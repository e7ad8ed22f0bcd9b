@testable import HyphaEngine

/// Builds validly signed logs for any key, the way a stranger (or a misbehaving writer) would:
/// real Hypercore trees and Ed25519 signatures, no database.
struct SignedLogBuilder {
    let key: SigningKeyPair
    private(set) var roots = MerkleRoots()
    var writer: PublicKey { key.publicKey }

    init(seed: UInt8) {
        key = ephemeralDeviceKeys(seed)
    }

    init(key: SigningKeyPair) { self.key = key }

    /// Appends `blocks` as one signed batch and returns them as a chunk.
    mutating func append(_ blocks: [[UInt8]]) -> LogChunk {
        let start = roots.length
        roots.append(blocks: blocks)
        return LogChunk(writer: writer, start: start, blocks: blocks, signatures: [SignedTree(signing: roots, with: key)])
    }
}
