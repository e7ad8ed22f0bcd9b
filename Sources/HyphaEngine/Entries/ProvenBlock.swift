/// One block of a writer's log with a proof of it in a tree the writer signed. Nodes keep these
/// apart from the logs and give them to each other, because logs are cut back at a removed
/// writer's cut-off while every node must still weigh every removal the same way
/// (docs/PROTOCOL.md, "Membership"). Two are kept: every block that carries a remove-writer, and
/// the block at a removal's cut-off (its hash decides how much of the removed log counts).
///
///     provenBlock = u8 version (= 1) ‖ writer[32] ‖ varint position ‖ blockProof
public struct ProvenBlock: Sendable, Equatable {
    public static let encodingVersion: UInt8 = 1

    public var writer: PublicKey
    public var proof: BlockProof
    public var position: UInt64 { proof.index }
    public var block: [UInt8] { proof.block }

    public init(writer: PublicKey, proof: BlockProof) {
        self.writer = writer
        self.proof = proof
    }

    /// Checks the proof under the writer's key; throws a one-line reason otherwise.
    public func verify() throws {
        _ = try proof.verify(writer: writer)
    }

    /// The remove-writer operation the block carries, if it carries one signed by the root key
    /// of `database`.
    func removal(database: DatabaseID) -> MembershipOperation? {
        guard case let .membership(op)? = try? Entry.decode(block), op.kind == .removeWriter, op.verify(database: database) else { return nil }
        return op
    }

    public var encoded: [UInt8] {
        var w = BinaryWriter(capacity: 64 + proof.block.count + 40 * proof.nodes.count)
        w.u8(Self.encodingVersion)
        w.raw(writer.bytes)
        w.varint(proof.index)
        proof.encode(into: &w)
        return w.bytes
    }

    public init(encoded: [UInt8]) throws {
        var r = BinaryReader(encoded)
        let version = try r.u8()
        guard version == Self.encodingVersion else { throw BinaryDecodingError.invalidValue("proven block version \(version)") }
        let writer = try MembershipOperation.readKey(&r)
        let index = try r.varint()
        let proof = try BlockProof(index: index, from: &r)
        try r.expectEnd()
        self.init(writer: writer, proof: proof)
    }
}
