import NIOCore

/// Splits the bytes of one direction of a connection into units: first the 37-byte hello, then
/// frames `u32le(length) ‖ payload` whose payload is handed on without the prefix. A length over
/// `maxLength` (small until the peer is trusted, see `ConnectionTrust`) is refused as soon as its
/// 4 bytes are seen, before any payload is buffered.
struct TransportFrameParser {
    private(set) var expectingHello = true

    /// The next complete unit, or nil when more bytes are needed.
    mutating func next(from buffer: inout ByteBuffer, maxLength: Int = WireLimits.maxFrameLength) throws -> ByteBuffer? {
        if expectingHello {
            guard let hello = buffer.readSlice(length: WireLimits.helloLength) else { return nil }
            expectingHello = false
            return hello
        }
        guard let length = buffer.getInteger(at: buffer.readerIndex, endianness: .little, as: UInt32.self) else {
            return nil
        }
        guard length <= UInt32(maxLength) else { throw SecureChannelError.frameTooLarge(length, limit: maxLength) }
        guard buffer.readableBytes >= 4 + Int(length) else { return nil }
        buffer.moveReaderIndex(forwardBy: 4)
        return buffer.readSlice(length: Int(length))
    }

    /// The bytes of a frame: `u32le(payload.count) ‖ payload`.
    static func frame(payloadLength: Int, allocator: ByteBufferAllocator) -> ByteBuffer {
        var buffer = allocator.buffer(capacity: 4 + payloadLength)
        buffer.writeInteger(UInt32(payloadLength), endianness: .little)
        return buffer
    }
}

/// The raw-TCP face of `TransportFrameParser`.
final class TransportFrameDecoder: ByteToMessageDecoder {
    typealias InboundOut = ByteBuffer
    private var parser = TransportFrameParser()
    private let trust: ConnectionTrust

    init(trust: ConnectionTrust) { self.trust = trust }

    func decode(context: ChannelHandlerContext, buffer: inout ByteBuffer) throws -> DecodingState {
        guard let unit = try parser.next(from: &buffer, maxLength: trust.maxFrameLength) else { return .needMoreData }
        context.fireChannelRead(wrapInboundOut(unit))
        return .continue
    }

    func decodeLast(context: ChannelHandlerContext, buffer: inout ByteBuffer, seenEOF: Bool) throws -> DecodingState {
        // A truncated frame at EOF is dropped with the connection.
        while try decode(context: context, buffer: &buffer) == .continue {}
        return .needMoreData
    }
}
