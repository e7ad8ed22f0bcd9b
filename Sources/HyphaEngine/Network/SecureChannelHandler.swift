import NIOCore

/// Fired up the pipeline once the key exchange is done.
struct SecureChannelEstablished {
    let capabilities: SessionCapabilities
    /// The capabilities of the other databases this responder hosts.
    let hosted: [DatabaseID: SessionCapabilities]
}

/// The encrypted transport of one connection. Inbound it takes units (the hello, then frame
/// payloads) and passes plaintext messages up; outbound it takes plaintext messages and writes
/// complete units (hello bytes, or `u32le(length) ‖ payload`).
///
/// Handshake: the initiator sends its hello when the channel is active; the responder answers
/// with its own after reading the initiator's and deriving the session keys (a refused key gets
/// no answer). Each side then derives the session keys and one
/// secretstream per direction; the first frame of each direction carries that direction's
/// 24-byte secretstream header in front of its ciphertext. Keys are wiped when the channel goes.
final class SecureChannelHandler: ChannelDuplexHandler, RemovableChannelHandler {
    typealias InboundIn = ByteBuffer
    typealias InboundOut = [UInt8]
    typealias OutboundIn = [UInt8]
    typealias OutboundOut = ByteBuffer

    private let role: ConnectionRole
    private let databaseID: DatabaseID
    private var keyPair: EphemeralKeyPair?
    private var sentHello = false
    private var receivedHello = false
    private var sender: SecretStreamSender?
    private var headerSent = false
    /// Kept only until the peer's first frame brings its stream header.
    private var receiveKey: SecureBytes?
    private var receiver: SecretStreamReceiver?
    private var failed = false

    private let tenants: NetworkTenants?

    init(role: ConnectionRole, databaseID: DatabaseID, tenants: NetworkTenants? = nil) {
        self.role = role
        self.databaseID = databaseID
        self.tenants = role == .responder ? tenants : nil
    }

    func handlerAdded(context: ChannelHandlerContext) {
        if role == .initiator && context.channel.isActive { sendHello(context: context) }
    }

    func channelActive(context: ChannelHandlerContext) {
        if role == .initiator { sendHello(context: context) }
        context.fireChannelActive()
    }

    func channelInactive(context: ChannelHandlerContext) {
        wipe()
        context.fireChannelInactive()
    }

    func handlerRemoved(context: ChannelHandlerContext) { wipe() }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        guard !failed else { return }
        var unit = unwrapInboundIn(data)
        do {
            if !receivedHello {
                receivedHello = true
                let remoteKey = try Hello.parse(unit.readableBytesView)
                if role == .responder { keyPair = try EphemeralKeyPair() }
                // The responder derives first, so a refused key gets no hello back.
                try establish(context: context, remoteKey: remoteKey)
                return
            }
            if receiver == nil {
                guard let key = receiveKey, let header = unit.readBytes(length: SecretStreamSender.headerLength) else {
                    throw SecureChannelError.badStreamHeader
                }
                receiver = try SecretStreamReceiver(key: key, header: header)
                key.wipe()
                receiveKey = nil
            }
            guard let receiver else { throw SecureChannelError.notEstablished }
            let plaintext = try unit.readableBytesView.withUnsafeBytes { try receiver.open($0) }
            context.fireChannelRead(wrapInboundOut(plaintext))
        } catch {
            fail(context: context, error: error)
        }
    }

    func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        let plaintext = unwrapOutboundIn(data)
        guard let sender, !failed else {
            promise?.fail(SecureChannelError.notEstablished)
            return
        }
        let header = headerSent ? [] : sender.header
        headerSent = true
        let payloadLength = header.count + plaintext.count + SecretStreamSender.overhead
        var frame = TransportFrameParser.frame(payloadLength: payloadLength, allocator: context.channel.allocator)
        frame.writeBytes(header)
        frame.writeWithUnsafeMutableBytes(minimumWritableBytes: plaintext.count + SecretStreamSender.overhead) { out in
            plaintext.withUnsafeBytes { sender.seal($0, into: out) }
            return plaintext.count + SecretStreamSender.overhead
        }
        context.write(wrapOutboundOut(frame), promise: promise)
    }

    /// The initiator speaks first.
    private func sendHello(context: ChannelHandlerContext) {
        guard !sentHello else { return }
        do {
            let pair = try EphemeralKeyPair()
            keyPair = pair
            writeHello(context: context, publicKey: pair.publicKey)
        } catch {
            fail(context: context, error: error)
        }
    }

    private func writeHello(context: ChannelHandlerContext, publicKey: [UInt8]) {
        sentHello = true
        var buffer = context.channel.allocator.buffer(capacity: WireLimits.helloLength)
        buffer.writeBytes(Hello.encode(publicKey: publicKey))
        context.writeAndFlush(wrapOutboundOut(buffer), promise: nil)
    }

    /// Whether every key of this connection is gone (tests check this after close).
    var keysWiped: Bool { keyPair == nil && sender == nil && receiver == nil && receiveKey == nil }

    private func establish(context: ChannelHandlerContext, remoteKey: [UInt8]) throws {
        guard let pair = keyPair else { throw SecureChannelError.notEstablished }
        let keys = try SessionKeys.derive(role: role, local: pair, remotePublicKey: remoteKey)
        pair.secretKey.wipe()
        keyPair = nil
        defer { keys.transmit.wipe() }
        if role == .responder { writeHello(context: context, publicKey: pair.publicKey) }
        let capabilities = try SessionCapability.derive(keys: keys, databaseID: databaseID)
        var hosted: [DatabaseID: SessionCapabilities] = [:]
        for id in tenants?.databaseIDs ?? [] where id != databaseID {
            hosted[id] = try SessionCapability.derive(keys: keys, databaseID: id)
        }
        sender = try SecretStreamSender(key: keys.transmit)
        receiveKey = keys.receive
        context.fireUserInboundEventTriggered(SecureChannelEstablished(capabilities: capabilities, hosted: hosted))
    }

    private func fail(context: ChannelHandlerContext, error: Error) {
        guard !failed else { return }
        failed = true
        wipe()
        context.fireErrorCaught(error)
        context.close(promise: nil)
    }

    private func wipe() {
        keyPair?.secretKey.wipe()
        keyPair = nil
        sender?.wipe()
        sender = nil
        receiver?.wipe()
        receiver = nil
        if let key = receiveKey, !key.isWiped { key.wipe() }
        receiveKey = nil
    }
}
