/// Why a message could not be encoded or decoded.
public enum WireCodingError: Error, Equatable, Sendable, CustomStringConvertible {
    case empty
    case unknownType(UInt8)
    case malformed(String)
    case tooLarge(String)

    public var description: String {
        switch self {
        case .empty: return "empty message"
        case let .unknownType(t): return "unknown message type \(t)"
        case let .malformed(what): return "malformed message: \(what)"
        case let .tooLarge(what): return "message too large: \(what)"
        }
    }
}

extension WireMessage {
    /// The plaintext bytes, refusing anything over the protocol limits.
    public func encode() throws -> [UInt8] {
        var w = BinaryWriter(capacity: estimatedSize)
        w.u8(kind.rawValue)
        switch self {
        case let .open(open):
            guard open.capability.count == WireLimits.capabilityLength else { throw WireCodingError.malformed("capability length") }
            let name = Array(open.nodeName.utf8)
            guard name.count <= WireLimits.maxNodeNameBytes else { throw WireCodingError.tooLarge("node name") }
            w.u16(open.protocolVersion)
            w.raw(open.capability)
            w.lengthPrefixed(name)
            w.u8(open.flags.rawValue)
            w.u64(open.nodeNonce)
        case let .have(heads):
            guard heads.count <= WireLimits.maxHeadsPerHave else { throw WireCodingError.tooLarge("\(heads.count) heads") }
            w.varint(UInt64(heads.count))
            for head in heads { w.signedHead(head) }
        case let .want(writer, start, end):
            w.raw(writer.bytes)
            w.varint(start)
            w.varint(end)
        case let .data(chunk):
            try chunk.checkWireLimits()
            w.raw(chunk.writer.bytes)
            w.varint(chunk.start)
            w.varint(UInt64(chunk.blocks.count))
            for block in chunk.blocks { w.lengthPrefixed(block) }
            w.signedHead(chunk.signed)
        case let .noData(writer, start):
            w.raw(writer.bytes)
            w.varint(start)
        case let .ephemeral(hops, envelope):
            guard envelope.count <= WireLimits.maxEnvelopeBytes else { throw WireCodingError.tooLarge("envelope") }
            w.u8(hops)
            w.lengthPrefixed(envelope)
        case let .ping(n), let .pong(n):
            w.u64(n)
        case let .close(reason, message):
            w.u8(reason.rawValue)
            w.lengthPrefixed(Array(message.utf8).truncatedUTF8(to: WireLimits.maxCloseMessageBytes))
        case let .evidence(evidence):
            let payload = evidence.payload
            guard payload.count <= WireLimits.maxEvidenceBytes else { throw WireCodingError.tooLarge("evidence") }
            w.u8(evidence.kind.rawValue)
            w.lengthPrefixed(payload)
        }
        guard w.bytes.count <= WireLimits.maxMessageLength else {
            throw WireCodingError.tooLarge("\(w.bytes.count) bytes")
        }
        return w.bytes
    }

    /// Parses one message; every count and length is bounded and trailing bytes are refused.
    public static func decode(_ bytes: [UInt8]) throws -> WireMessage {
        guard bytes.count <= WireLimits.maxMessageLength else { throw WireCodingError.tooLarge("\(bytes.count) bytes") }
        var r = BinaryReader(bytes)
        do {
            guard let typeByte = try? r.u8() else { throw WireCodingError.empty }
            guard let kind = Kind(rawValue: typeByte) else { throw WireCodingError.unknownType(typeByte) }
            let message = try decodeBody(kind, &r)
            try r.expectEnd()
            return message
        } catch let error as BinaryDecodingError {
            throw WireCodingError.malformed(error.description)
        }
    }

    private static func decodeBody(_ kind: Kind, _ r: inout BinaryReader) throws -> WireMessage {
        switch kind {
        case .open:
            let version = try r.u16()
            let capability = try r.raw(WireLimits.capabilityLength)
            let name = try r.string(limit: WireLimits.maxNodeNameBytes)
            let flags = PeerFlags(rawValue: try r.u8())
            let nonce = try r.u64()
            return .open(OpenMessage(protocolVersion: version, capability: capability, nodeName: name,
                                     flags: flags, nodeNonce: nonce))
        case .have:
            let count = try r.varint()
            guard count <= UInt64(WireLimits.maxHeadsPerHave) else { throw WireCodingError.tooLarge("\(count) heads") }
            var heads: [SignedHead] = []
            heads.reserveCapacity(min(Int(count), r.remaining / SignedHead.encodedLength))
            for _ in 0..<count { heads.append(try r.signedHead()) }
            return .have(heads)
        case .want:
            let writer = try r.publicKey()
            let start = try r.varint()
            let end = try r.varint()
            guard end > start else { throw WireCodingError.malformed("want range \(start)..<\(end) is empty") }
            return .want(writer: writer, start: start, end: end)
        case .data:
            return .data(try r.dataChunk())
        case .noData:
            return .noData(writer: try r.publicKey(), start: try r.varint())
        case .ephemeral:
            let hops = try r.u8()
            let envelope = try r.lengthPrefixed(limit: WireLimits.maxEnvelopeBytes)
            return .ephemeral(hops: hops, envelope: envelope)
        case .ping:
            return .ping(try r.u64())
        case .pong:
            return .pong(try r.u64())
        case .close:
            let reason = CloseReason(rawValue: try r.u8())
            let bytes = try r.lengthPrefixed(limit: WireLimits.maxCloseMessageBytes)
            // Lenient: invalid UTF-8 becomes U+FFFD, cut back to the byte limit.
            let text = Array(String(decoding: bytes, as: UTF8.self).utf8).truncatedUTF8(to: WireLimits.maxCloseMessageBytes)
            return .close(reason: reason, message: String(decoding: text, as: UTF8.self))
        case .evidence:
            let kind = try r.u8()
            let payload = try r.lengthPrefixed(limit: WireLimits.maxEvidenceBytes)
            do {
                return .evidence(try Evidence(kind: kind, payload: payload))
            } catch let error as WireCodingError {
                throw error
            } catch {
                throw WireCodingError.malformed("evidence: \(error)")
            }
        }
    }

    private var estimatedSize: Int {
        switch self {
        case let .have(heads): return 8 + heads.count * SignedHead.encodedLength
        case let .data(chunk): return 64 + SignedHead.encodedLength + chunk.byteCount + chunk.blocks.count * 3
        case let .ephemeral(_, envelope): return 16 + envelope.count
        case let .evidence(evidence): return 16 + evidence.payload.count
        default: return 128
        }
    }
}

extension BlockChunk {
    /// Whether the chunk can travel in one Data message: at least one block, each at most
    /// 1 MiB, at most 65,536 of them, ending exactly at its signed length of the same writer.
    func checkWireLimits() throws {
        guard !blocks.isEmpty else { throw WireCodingError.malformed("data without blocks") }
        guard blocks.count <= WireLimits.maxBlocksPerData else { throw WireCodingError.tooLarge("\(blocks.count) blocks") }
        guard blocks.allSatisfy({ $0.count <= WireLimits.maxBlockBytes }) else { throw WireCodingError.tooLarge("block") }
        guard signed.writer == writer else { throw WireCodingError.malformed("signed head of another writer") }
        let (end, overflow) = start.addingReportingOverflow(UInt64(blocks.count))
        guard !overflow, end == signed.length else {
            throw WireCodingError.malformed("chunk does not end at its signed length")
        }
    }
}

extension BinaryWriter {
    mutating func signedHead(_ head: SignedHead) {
        raw(head.writer.bytes)
        u64(head.length)
        raw(head.treeHash)
        raw(head.signature)
    }
}

extension BinaryReader {
    mutating func publicKey() throws -> PublicKey {
        guard let key = PublicKey(bytes: try raw(PublicKey.length)) else { throw BinaryDecodingError.truncated }
        return key
    }

    mutating func signedHead() throws -> SignedHead {
        let writer = try publicKey()
        let length = try u64()
        let treeHash = try raw(SignedHead.treeHashLength)
        let signature = try raw(SignedHead.signatureLength)
        return SignedHead(writer: writer, length: length, treeHash: treeHash, signature: signature)
    }

    mutating func dataChunk() throws -> BlockChunk {
        let writer = try publicKey()
        let start = try varint()
        let count = try varint()
        guard count >= 1, count <= UInt64(WireLimits.maxBlocksPerData) else {
            throw WireCodingError.malformed("data with \(count) blocks")
        }
        var blocks: [[UInt8]] = []
        blocks.reserveCapacity(min(Int(count), remaining))
        for _ in 0..<count { blocks.append(try lengthPrefixed(limit: WireLimits.maxBlockBytes)) }
        let chunk = BlockChunk(writer: writer, start: start, blocks: blocks, signed: try signedHead())
        try chunk.checkWireLimits()
        return chunk
    }
}

extension Array where Element == UInt8 {
    /// At most `limit` bytes, cut at a UTF-8 character boundary.
    func truncatedUTF8(to limit: Int) -> [UInt8] {
        guard count > limit else { return self }
        var end = limit
        while end > 0 && self[end] & 0xC0 == 0x80 { end -= 1 }
        return Array(self[..<end])
    }
}
