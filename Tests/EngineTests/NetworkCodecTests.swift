import Testing
@testable import HyphaEngine

@Suite struct NetworkCodecTests {
    static let writer = NetworkFixtures.keyPair(1)

    static func head(length: UInt64, writer: PublicKey = writer.publicKey) -> SignedHead {
        SignedHead(writer: writer, length: length, treeHash: [UInt8](repeating: 7, count: 32),
                   signature: [UInt8](repeating: 9, count: 64))
    }

    static var samples: [WireMessage] {
        let key = writer.publicKey
        return [
            .open(OpenMessage(capability: [UInt8](repeating: 3, count: 32), nodeName: "laptop ✓",
                              flags: [.writable], nodeNonce: 0xDEADBEEF)),
            .have([]),
            .have([head(length: 5), head(length: 1 << 40, writer: NetworkFixtures.keyPair(2).publicKey)]),
            .want(writer: key, start: 0, end: 16384),
            .want(writer: key, start: UInt64.max - 1, end: UInt64.max),
            .data(BlockChunk(writer: key, start: 3, blocks: [[1, 2, 3], [], [4]], signed: head(length: 6))),
            .noData(writer: key, start: 99),
            .ephemeral(hops: 3, envelope: [UInt8](repeating: 0xEE, count: WireLimits.maxEnvelopeBytes)),
            .ping(1), .pong(UInt64.max),
            .close(reason: .badData, message: "rejected"),
            .close(reason: CloseReason(rawValue: 200), message: ""),
        ]
    }

    @Test func everyMessageRoundTrips() throws {
        for message in Self.samples {
            let bytes = try message.encode()
            #expect(try WireMessage.decode(bytes) == message)
        }
    }

    @Test func exactLayoutOfWantAndPing() throws {
        let key = Self.writer.publicKey
        #expect(try WireMessage.want(writer: key, start: 1, end: 300).encode() == [3] + key.bytes + [1, 0xAC, 0x02])
        #expect(try WireMessage.ping(0x0102).encode() == [7, 2, 1, 0, 0, 0, 0, 0, 0])
    }

    @Test func dataMessageSizeIsExact() throws {
        let chunk = BlockChunk(writer: Self.writer.publicKey, start: 200, blocks: [[UInt8](repeating: 1, count: 300), [2]],
                               signed: Self.head(length: 202))
        #expect(chunk.dataMessageSize == (try WireMessage.data(chunk).encode()).count)
    }

    @Test func refusesMalformedMessages() throws {
        let key = Self.writer.publicKey
        #expect(throws: WireCodingError.empty) { try WireMessage.decode([]) }
        #expect(throws: WireCodingError.unknownType(0)) { try WireMessage.decode([0]) }
        #expect(throws: WireCodingError.unknownType(11)) { try WireMessage.decode([11, 1, 2]) }
        // Evidence of an unknown kind, or that does not decode.
        #expect(throws: WireCodingError.self) { try WireMessage.decode([10, 9, 1, 0]) }
        #expect(throws: WireCodingError.self) { try WireMessage.decode([10, 1, 2, 1, 0]) }
        // Trailing bytes.
        #expect(throws: WireCodingError.self) { try WireMessage.decode(try WireMessage.ping(1).encode() + [0]) }
        // Empty or inverted Want range.
        #expect(throws: WireCodingError.self) { try WireMessage.decode([3] + key.bytes + [5, 5]) }
        // Have claiming more heads than allowed, before any head is read.
        var have = BinaryWriter(); have.u8(2); have.varint(4097)
        #expect(throws: WireCodingError.tooLarge("4097 heads")) { try WireMessage.decode(have.bytes) }
        // Data with no blocks, too many blocks, an oversized block, or the wrong signed length.
        var noBlocks = BinaryWriter(); noBlocks.u8(4); noBlocks.raw(key.bytes); noBlocks.varint(0); noBlocks.varint(0)
        #expect(throws: WireCodingError.self) { try WireMessage.decode(noBlocks.bytes) }
        var tooMany = BinaryWriter(); tooMany.u8(4); tooMany.raw(key.bytes); tooMany.varint(0); tooMany.varint(65537)
        #expect(throws: WireCodingError.self) { try WireMessage.decode(tooMany.bytes) }
        var bigBlock = BinaryWriter(); bigBlock.u8(4); bigBlock.raw(key.bytes); bigBlock.varint(0); bigBlock.varint(1)
        bigBlock.varint(UInt64(WireLimits.maxBlockBytes + 1))
        #expect(throws: WireCodingError.self) { try WireMessage.decode(bigBlock.bytes) }
        let wrongEnd = BlockChunk(writer: key, start: 0, blocks: [[1]], signed: Self.head(length: 2))
        #expect(throws: WireCodingError.self) { try WireMessage.data(wrongEnd).encode() }
        var forged = BinaryWriter(); forged.u8(4); forged.raw(key.bytes); forged.varint(0); forged.varint(1)
        forged.lengthPrefixed([1]); forged.signedHead(Self.head(length: 2))
        #expect(throws: WireCodingError.self) { try WireMessage.decode(forged.bytes) }
        var otherWriter = BinaryWriter(); otherWriter.u8(4); otherWriter.raw(key.bytes); otherWriter.varint(0); otherWriter.varint(1)
        otherWriter.lengthPrefixed([1]); otherWriter.signedHead(Self.head(length: 1, writer: NetworkFixtures.keyPair(2).publicKey))
        #expect(throws: WireCodingError.self) { try WireMessage.decode(otherWriter.bytes) }
        // Open with a long or invalid name.
        var longName = BinaryWriter(); longName.u8(1); longName.u16(1); longName.raw([UInt8](repeating: 0, count: 32))
        longName.lengthPrefixed([UInt8](repeating: 65, count: 65)); longName.u8(0); longName.u64(1)
        #expect(throws: WireCodingError.self) { try WireMessage.decode(longName.bytes) }
        var badName = BinaryWriter(); badName.u8(1); badName.u16(1); badName.raw([UInt8](repeating: 0, count: 32))
        badName.lengthPrefixed([0xC3, 0x28]); badName.u8(0); badName.u64(1)
        #expect(throws: WireCodingError.self) { try WireMessage.decode(badName.bytes) }
        // Oversized envelope and message.
        var envelope = BinaryWriter(); envelope.u8(6); envelope.u8(1); envelope.varint(UInt64(WireLimits.maxEnvelopeBytes + 1))
        #expect(throws: WireCodingError.self) { try WireMessage.decode(envelope.bytes) }
        #expect(throws: WireCodingError.self) { try WireMessage.decode([UInt8](repeating: 7, count: WireLimits.maxMessageLength + 1)) }
    }

    @Test func encoderRefusesWhatTheDecoderWouldRefuse() {
        let heads = (0..<4097).map { Self.head(length: UInt64($0)) }
        #expect(throws: WireCodingError.self) { try WireMessage.have(heads).encode() }
        #expect(throws: WireCodingError.self) {
            try WireMessage.ephemeral(hops: 1, envelope: [UInt8](repeating: 0, count: WireLimits.maxEnvelopeBytes + 1)).encode()
        }
        #expect(throws: WireCodingError.self) {
            try WireMessage.open(OpenMessage(capability: [1], nodeName: "x", flags: [], nodeNonce: 1)).encode()
        }
    }

    @Test func closeMessageIsCutAtACharacterBoundary() throws {
        let long = String(repeating: "é", count: 150)  // 300 bytes
        guard case let .close(_, text) = try WireMessage.decode(try WireMessage.close(reason: .normal, message: long).encode()) else {
            Issue.record("not a close"); return
        }
        #expect(text.utf8.count == 200)
        #expect(text.allSatisfy { $0 == "é" })
    }

    /// Property-style: random bytes and mutations of valid messages never crash the decoder, and
    /// whatever decodes survives an encode/decode round trip unchanged.
    @Test func randomAndMutatedBytesNeverCrash() throws {
        var rng = SplitMix64(seed: 0x5EED)
        var decoded = 0
        for _ in 0..<20000 {
            let length = Int(rng.next() % 200)
            var bytes = (0..<length).map { _ in UInt8(truncatingIfNeeded: rng.next()) }
            if !bytes.isEmpty { bytes[0] = UInt8(rng.next() % 11) }
            if let message = try? WireMessage.decode(bytes) {
                decoded += 1
                #expect(try WireMessage.decode(try message.encode()) == message, "\(message)")
            }
        }
        let valid = try Self.samples.map { try $0.encode() }
        for _ in 0..<20000 {
            var bytes = valid[Int(rng.next() % UInt64(valid.count))]
            switch rng.next() % 3 {
            case 0: bytes = Array(bytes.prefix(Int(rng.next() % UInt64(bytes.count + 1))))
            case 1 where !bytes.isEmpty: bytes[Int(rng.next() % UInt64(bytes.count))] ^= UInt8(1 << (rng.next() % 8))
            default: bytes.insert(UInt8(truncatingIfNeeded: rng.next()), at: Int(rng.next() % UInt64(bytes.count + 1)))
            }
            if let message = try? WireMessage.decode(bytes) {
                decoded += 1
                #expect(try WireMessage.decode(try message.encode()) == message, "\(message)")
            }
        }
        #expect(decoded > 0)
    }
}

