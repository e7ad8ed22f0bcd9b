/// A writer's signature over its log at `length`: Ed25519 over
/// `LogHash.signable(treeHash:length:)`. One is made per append batch, not per block.
public struct SignedTree: Sendable, Equatable {
    public static let signatureLength = 64

    public let length: UInt64
    public let treeHash: [UInt8]
    public let signature: [UInt8]

    public init(length: UInt64, treeHash: [UInt8], signature: [UInt8]) {
        self.length = length
        self.treeHash = treeHash
        self.signature = signature
    }

    /// Signs the log whose roots are `roots` with the writer's device key.
    public init(signing roots: MerkleRoots, with key: SigningKeyPair) {
        let treeHash = roots.treeHash
        self.init(length: roots.length, treeHash: treeHash,
                  signature: key.sign(LogHash.signable(treeHash: treeHash, length: roots.length)))
    }

    /// Whether `signature` is `writer`'s over this tree hash and length.
    public func verify(writer: PublicKey) -> Bool {
        guard treeHash.count == LogHash.hashLength, signature.count == Self.signatureLength else { return false }
        return writer.verify(signature: signature, message: LogHash.signable(treeHash: treeHash, length: length))
    }

    /// `u64le(length) ‖ treeHash[32] ‖ signature[64]` (104 bytes).
    public var encoded: [UInt8] {
        var writer = BinaryWriter(capacity: 8 + LogHash.hashLength + Self.signatureLength)
        writer.u64(length)
        writer.raw(treeHash)
        writer.raw(signature)
        return writer.bytes
    }

    /// Decodes `encoded`; throws `BinaryDecodingError` for anything of the wrong shape.
    public init(encoded: [UInt8]) throws {
        var reader = BinaryReader(encoded)
        let length = try reader.u64()
        let treeHash = try reader.raw(LogHash.hashLength)
        let signature = try reader.raw(Self.signatureLength)
        try reader.expectEnd()
        self.init(length: length, treeHash: treeHash, signature: signature)
    }
}
