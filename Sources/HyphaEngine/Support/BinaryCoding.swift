/// Little-endian binary encoding used by every Hypha format (entries, wire frames, envelopes).
/// Integers are fixed-width little-endian or unsigned LEB128 varints; byte strings are
/// varint-length-prefixed. See docs/PROTOCOL.md.
public struct BinaryWriter: Sendable {
    public private(set) var bytes: [UInt8]

    public init(capacity: Int = 64) {
        bytes = []
        bytes.reserveCapacity(capacity)
    }

    public mutating func u8(_ v: UInt8) { bytes.append(v) }
    public mutating func u16(_ v: UInt16) { fixed(UInt64(v), width: 2) }
    public mutating func u32(_ v: UInt32) { fixed(UInt64(v), width: 4) }
    public mutating func u64(_ v: UInt64) { fixed(v, width: 8) }

    /// Unsigned LEB128.
    public mutating func varint(_ v: UInt64) {
        var v = v
        while v >= 0x80 {
            bytes.append(UInt8(v & 0x7F) | 0x80)
            v >>= 7
        }
        bytes.append(UInt8(v))
    }

    /// Bytes as they are (fixed-length fields).
    public mutating func raw<C: Collection>(_ data: C) where C.Element == UInt8 { bytes.append(contentsOf: data) }

    /// A varint length followed by the bytes.
    public mutating func lengthPrefixed<C: Collection>(_ data: C) where C.Element == UInt8 {
        varint(UInt64(data.count))
        bytes.append(contentsOf: data)
    }

    public mutating func string(_ s: String) { lengthPrefixed(Array(s.utf8)) }

    private mutating func fixed(_ v: UInt64, width: Int) {
        for i in 0..<width { bytes.append(UInt8(truncatingIfNeeded: v >> (8 * UInt64(i)))) }
    }
}

/// Why a byte string could not be decoded.
public enum BinaryDecodingError: Error, Equatable, Sendable, CustomStringConvertible {
    case truncated
    case varintOverflow
    case lengthTooLarge(UInt64)
    case invalidValue(String)
    case trailingBytes(Int)

    public var description: String {
        switch self {
        case .truncated: return "truncated"
        case .varintOverflow: return "varint overflow"
        case let .lengthTooLarge(n): return "length \(n) exceeds the limit"
        case let .invalidValue(what): return "invalid \(what)"
        case let .trailingBytes(n): return "\(n) unexpected trailing bytes"
        }
    }
}

/// Reads what `BinaryWriter` wrote, refusing truncation, overlong varints and oversized lengths.
public struct BinaryReader {
    private let bytes: ArraySlice<UInt8>
    public private(set) var offset: Int

    public init(_ bytes: [UInt8]) { self.init(bytes[...]) }

    public init(_ bytes: ArraySlice<UInt8>) {
        self.bytes = bytes
        offset = bytes.startIndex
    }

    public var remaining: Int { bytes.endIndex - offset }
    public var isAtEnd: Bool { offset == bytes.endIndex }

    public mutating func u8() throws -> UInt8 {
        guard remaining >= 1 else { throw BinaryDecodingError.truncated }
        defer { offset += 1 }
        return bytes[offset]
    }

    public mutating func u16() throws -> UInt16 { UInt16(try fixed(width: 2)) }
    public mutating func u32() throws -> UInt32 { UInt32(try fixed(width: 4)) }
    public mutating func u64() throws -> UInt64 { try fixed(width: 8) }

    public mutating func varint() throws -> UInt64 {
        var result: UInt64 = 0
        var shift: UInt64 = 0
        while true {
            let byte = try u8()
            if shift == 63 && byte > 1 { throw BinaryDecodingError.varintOverflow }
            result |= UInt64(byte & 0x7F) << shift
            if byte & 0x80 == 0 { return result }
            shift += 7
            if shift > 63 { throw BinaryDecodingError.varintOverflow }
        }
    }

    public mutating func raw(_ count: Int) throws -> [UInt8] {
        guard count >= 0, remaining >= count else { throw BinaryDecodingError.truncated }
        defer { offset += count }
        return Array(bytes[offset..<(offset + count)])
    }

    /// A varint-prefixed byte string of at most `limit` bytes.
    public mutating func lengthPrefixed(limit: Int) throws -> [UInt8] {
        let length = try varint()
        guard length <= UInt64(limit) else { throw BinaryDecodingError.lengthTooLarge(length) }
        return try raw(Int(length))
    }

    /// A varint-prefixed UTF-8 string of at most `limit` bytes.
    public mutating func string(limit: Int) throws -> String {
        let data = try lengthPrefixed(limit: limit)
        guard let s = String(validating: data, as: UTF8.self) else { throw BinaryDecodingError.invalidValue("UTF-8") }
        return s
    }

    /// Throws unless every byte was consumed.
    public func expectEnd() throws {
        guard isAtEnd else { throw BinaryDecodingError.trailingBytes(remaining) }
    }

    private mutating func fixed(width: Int) throws -> UInt64 {
        guard remaining >= width else { throw BinaryDecodingError.truncated }
        var v: UInt64 = 0
        for i in 0..<width { v |= UInt64(bytes[offset + i]) << (8 * UInt64(i)) }
        offset += width
        return v
    }
}
