import Testing
@testable import HyphaEngine

@Suite struct BinaryCodingTests {
    @Test func roundTripsEveryFieldKind() throws {
        var w = BinaryWriter()
        w.u8(7); w.u16(0xBEEF); w.u32(0xDEADBEEF); w.u64(UInt64.max - 1)
        w.varint(0); w.varint(127); w.varint(128); w.varint(UInt64.max)
        w.lengthPrefixed([1, 2, 3]); w.string("café 日本")
        var r = BinaryReader(w.bytes)
        #expect(try r.u8() == 7)
        #expect(try r.u16() == 0xBEEF)
        #expect(try r.u32() == 0xDEADBEEF)
        #expect(try r.u64() == UInt64.max - 1)
        #expect(try r.varint() == 0)
        #expect(try r.varint() == 127)
        #expect(try r.varint() == 128)
        #expect(try r.varint() == UInt64.max)
        #expect(try r.lengthPrefixed(limit: 3) == [1, 2, 3])
        #expect(try r.string(limit: 64) == "café 日本")
        try r.expectEnd()
    }

    @Test func littleEndianLayout() {
        var w = BinaryWriter()
        w.u32(0x01020304); w.varint(300)
        #expect(w.bytes == [4, 3, 2, 1, 0xAC, 0x02])
    }

    @Test func refusesTruncationOverflowAndOversizedLengths() {
        var r = BinaryReader([0x01])
        #expect(throws: BinaryDecodingError.truncated) { try r.u32() }
        var overflow = BinaryReader([UInt8](repeating: 0xFF, count: 10) + [0x01])
        #expect(throws: BinaryDecodingError.varintOverflow) { try overflow.varint() }
        var long = BinaryReader([0x05, 1, 2, 3, 4, 5])
        #expect(throws: BinaryDecodingError.lengthTooLarge(5)) { try long.lengthPrefixed(limit: 4) }
        var badUTF8 = BinaryReader([0x02, 0xC3, 0x28])
        #expect(throws: BinaryDecodingError.invalidValue("UTF-8")) { try badUTF8.string(limit: 8) }
        #expect(throws: BinaryDecodingError.trailingBytes(1)) { try BinaryReader([0]).expectEnd() }
    }
}

@Suite struct AEADTests {
    @Test func sealsAndOpensAndRefusesTampering() throws {
        let key = try SecureBytes(copying: [UInt8](repeating: 0x42, count: 32))
        let other = try SecureBytes(copying: [UInt8](repeating: 0x43, count: 32))
        let sealed = XChaCha20Poly1305.seal(Array("secret value".utf8), key: key, associatedData: [1, 2])
        #expect(sealed.count == 24 + 12 + 16)
        #expect(XChaCha20Poly1305.open(sealed, key: key, associatedData: [1, 2]) == Array("secret value".utf8))
        #expect(XChaCha20Poly1305.open(sealed, key: key, associatedData: [1, 3]) == nil)
        #expect(XChaCha20Poly1305.open(sealed, key: other, associatedData: [1, 2]) == nil)
        for i in sealed.indices {
            var flipped = sealed
            flipped[i] ^= 0x01
            #expect(XChaCha20Poly1305.open(flipped, key: key, associatedData: [1, 2]) == nil)
        }
        #expect(XChaCha20Poly1305.open(Array(sealed.prefix(30)), key: key) == nil)
        #expect(XChaCha20Poly1305.seal([1], key: key) != XChaCha20Poly1305.seal([1], key: key))
    }
}
