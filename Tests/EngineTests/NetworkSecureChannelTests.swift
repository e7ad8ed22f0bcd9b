import NIOCore
import Testing
@testable import HyphaEngine

@Suite struct NetworkSecureChannelTests {
    static func pair() throws -> (initiator: SessionKeys, responder: SessionKeys) {
        let a = try EphemeralKeyPair()
        let b = try EphemeralKeyPair()
        return (try SessionKeys.derive(role: .initiator, local: a, remotePublicKey: b.publicKey),
                try SessionKeys.derive(role: .responder, local: b, remotePublicKey: a.publicKey))
    }

    @Test func helloLayoutAndRefusals() throws {
        let key = [UInt8](repeating: 5, count: 32)
        let hello = Hello.encode(publicKey: key)
        #expect(hello == Array("HYPH".utf8) + [1] + key)
        #expect(try Hello.parse(hello) == key)
        #expect(throws: SecureChannelError.badHello) { try Hello.parse(Array("HYPX".utf8) + [1] + key) }
        #expect(throws: SecureChannelError.unsupportedHandshakeVersion(2)) { try Hello.parse(Array("HYPH".utf8) + [2] + key) }
        #expect(throws: SecureChannelError.badHello) { try Hello.parse(hello.dropLast()) }
    }

    @Test func bothSidesDeriveMatchingDirectionalKeys() throws {
        let (i, r) = try Self.pair()
        #expect(i.transmit.constantTimeEquals(r.receive))
        #expect(i.receive.constantTimeEquals(r.transmit))
        #expect(!i.transmit.constantTimeEquals(i.receive))
    }

    @Test func refusesSmallOrderAndReflectedKeys() throws {
        let local = try EphemeralKeyPair()
        #expect(throws: SecureChannelError.unacceptablePublicKey) {
            try SessionKeys.derive(role: .initiator, local: local, remotePublicKey: [UInt8](repeating: 0, count: 32))
        }
        var one = [UInt8](repeating: 0, count: 32); one[0] = 1   // the identity point, small order
        #expect(throws: SecureChannelError.unacceptablePublicKey) {
            try SessionKeys.derive(role: .responder, local: local, remotePublicKey: one)
        }
        #expect(throws: SecureChannelError.unacceptablePublicKey) {
            try SessionKeys.derive(role: .responder, local: local, remotePublicKey: local.publicKey)
        }
    }

    @Test func capabilitiesAreRoleAndSessionBound() throws {
        let (i, r) = try Self.pair()
        let ci = try SessionCapability.derive(keys: i, databaseID: NetworkFixtures.databaseA)
        let cr = try SessionCapability.derive(keys: r, databaseID: NetworkFixtures.databaseA)
        #expect(ci.local == cr.expectedRemote)
        #expect(cr.local == ci.expectedRemote)
        #expect(ci.local != cr.local)
        #expect(ci.remoteMatches(cr.local))
        #expect(!ci.remoteMatches(ci.local))
        let other = try SessionCapability.derive(keys: r, databaseID: NetworkFixtures.databaseB)
        #expect(!ci.remoteMatches(other.local))
        let (i2, _) = try Self.pair()
        #expect(try SessionCapability.derive(keys: i2, databaseID: NetworkFixtures.databaseA).local != ci.local)
    }

    /// Values computed independently (Python: hashlib BLAKE2b + cryptography X25519); they are
    /// listed in docs/PROTOCOL.md for other implementations.
    @Test func knownAnswerKeyScheduleAndCapabilities() throws {
        let initiator = try EphemeralKeyPair(seed: [UInt8](repeating: 1, count: 32))
        let responder = try EphemeralKeyPair(seed: [UInt8](repeating: 2, count: 32))
        #expect(Hex.encode(initiator.publicKey) == "ab2fca32898322c208fb2dab5048bd43c355c6430f588897cb574961cfa9806f")
        #expect(Hex.encode(responder.publicKey) == "fc3b339367a5225d53a92d380323afd035d7817b6d1be47d946f6b09a9cbdc06")
        let keys = try SessionKeys.derive(role: .initiator, local: initiator, remotePublicKey: responder.publicKey)
        #expect(keys.initiatorToResponder.testHex == "43eb74c847209a3af513e0fc824b791865665dcc727fc332f4ddfc614e0ab79a")
        #expect(keys.responderToInitiator.testHex == "e0f480d42cd0d8a95993dd50976fb24ef81a6788b7b5bc722fc258410ac723ed")
        let database = NetworkFixtures.databaseA
        #expect(database.hex == "b533d8ad9fcfbdde0b481c1b334ddc3c53412fd614564e7e5afd020368d382c3")
        #expect(try SessionCapability.bindingKey(keys).testHex == "3e28528f77e8c10f39535c3ed9dba682f189c982bd380ec292a7f2f52741e08c")
        let caps = try SessionCapability.derive(keys: keys, databaseID: database)
        #expect(Hex.encode(caps.local) == "19e6d20bc51f3cb987e9c7a56eb157a3ce2c50bcbff44a2f842afc70ae88ed8e")
        #expect(Hex.encode(caps.expectedRemote) == "9172a8e17dca4ecdd6f18d824fd6c57c19010fd95b34e77826e1d2af41d85f85")
        let other = try SessionKeys.derive(role: .responder, local: responder, remotePublicKey: initiator.publicKey)
        #expect(try SessionCapability.derive(keys: other, databaseID: database).local == caps.expectedRemote)
    }

    @Test func secretStreamRoundTripsAndRefusesTamperingAndReplay() throws {
        let (i, r) = try Self.pair()
        let sender = try SecretStreamSender(key: i.transmit)
        let receiver = try SecretStreamReceiver(key: r.receive, header: sender.header)
        let first = sender.seal(Array("hello".utf8))
        let second = sender.seal([])
        #expect(first.count == 5 + SecretStreamSender.overhead)
        #expect(try receiver.open(first) == Array("hello".utf8))
        #expect(throws: SecureChannelError.decryptionFailed) { try receiver.open(first) }  // replay
        var flipped = second
        flipped[flipped.count - 1] ^= 1
        #expect(throws: SecureChannelError.decryptionFailed) { try receiver.open(flipped) }
        #expect(throws: SecureChannelError.decryptionFailed) { try receiver.open([1, 2, 3]) }
        // The wrong direction's key cannot read it.
        let wrong = try SecretStreamReceiver(key: r.transmit, header: sender.header)
        #expect(throws: SecureChannelError.decryptionFailed) { try wrong.open(sender.seal([1])) }
    }

    @Test func frameParserRefusesOversizedLengthBeforeThePayloadArrives() throws {
        var parser = TransportFrameParser()
        var buffer = ByteBuffer(bytes: Hello.encode(publicKey: [UInt8](repeating: 1, count: 32)) + [3, 0, 0])
        #expect(try parser.next(from: &buffer)?.readableBytes == WireLimits.helloLength)
        #expect(try parser.next(from: &buffer) == nil)  // 3 of 4 length bytes
        buffer.writeBytes([0, 0xAA, 0xBB])
        #expect(try parser.next(from: &buffer) == nil)  // length 3, 2 of 3 payload bytes
        buffer.writeBytes([0xCC])
        #expect(try parser.next(from: &buffer) == ByteBuffer(bytes: [0xAA, 0xBB, 0xCC]))
        var huge = ByteBuffer(bytes: [0xFF, 0xFF, 0xFF, 0xFF])
        #expect(throws: SecureChannelError.frameTooLarge(UInt32.max, limit: WireLimits.maxFrameLength)) { try parser.next(from: &huge) }
        var limit = ByteBuffer(); limit.writeInteger(UInt32(WireLimits.maxFrameLength + 1), endianness: .little)
        #expect(throws: SecureChannelError.self) { try parser.next(from: &limit) }
    }

    @Test func connectionSecretsLiveInSlabSlotsThatAreZeroedAndReused() throws {
        let slab = SecureSlab()
        let slot = try #require(slab.allocate())
        slot.storeBytes(of: 0xA5A5_A5A5_A5A5_A5A5 as UInt64, as: UInt64.self)
        slab.release(slot)
        let again = try #require(slab.allocate())
        #expect(again == slot)                                      // the freed slot comes back first…
        #expect(again.load(as: UInt64.self) == 0)                   // …zeroed
        #expect(slab.usage.blocks == 1 && slab.usage.free == SecureSlab.slotsPerBlock - 1)
        let secret = try SecureBytes(connectionSecretCount: 32)     // the shared slab
        secret.withUnsafeMutableBytes { $0[0] = 7 }
        #expect(secret.withUnsafeBytes { $0[0] } == 7)
        let large = try SecureBytes(connectionSecretCount: 100)     // too big for a slot: its own pages
        #expect(large.count == 100)
    }

    @Test func beforeTheOpenVerifiesOnlySmallFramesAreRead() throws {
        let trust = ConnectionTrust()
        var parser = TransportFrameParser()
        var buffer = ByteBuffer(bytes: Hello.encode(publicKey: [UInt8](repeating: 1, count: 32)))
        _ = try parser.next(from: &buffer, maxLength: trust.maxFrameLength)
        buffer.writeInteger(UInt32(WireLimits.maxFrameLengthBeforeOpen + 1), endianness: .little)
        #expect(throws: SecureChannelError.self) { try parser.next(from: &buffer, maxLength: trust.maxFrameLength) }
        trust.grant()
        #expect(try parser.next(from: &buffer, maxLength: trust.maxFrameLength) == nil)  // waits for the payload
    }
}

@Suite struct NetworkAddressTests {
    @Test func parsesTCPAndWebSocketAddresses() throws {
        let tcp = try PeerAddress(parsing: " example.org:4000 ")
        #expect(tcp == PeerAddress(transport: .tcp, host: "example.org", port: 4000))
        #expect(tcp.description == "example.org:4000")
        #expect(try PeerAddress(parsing: "10.0.0.2").port == 4815)
        #expect(try PeerAddress(parsing: "tcp://10.0.0.2:1").port == 1)
        let v6 = try PeerAddress(parsing: "[::1]:4815")
        #expect(v6.host == "::1" && v6.description == "[::1]:4815")
        let ws = try PeerAddress(parsing: "ws://relay.example:8080")
        #expect(ws == PeerAddress(transport: .websocket, host: "relay.example", port: 8080, path: "/hypha"))
        #expect(ws.description == "ws://relay.example:8080/hypha")
        #expect(try PeerAddress(parsing: "WS://relay.example/hypha").port == 4815)
        #expect(try PeerAddress(parsing: "ws://relay.example:80/proxy/hypha").path == "/proxy/hypha")
    }

    @Test func refusesBadAddressesWithOneLineErrors() {
        let cases: [(String, NetworkAddressError)] = [
            ("", .empty),
            ("host name:1", .invalidCharacters("host name:1")),
            ("http://x:1", .unsupportedScheme("http")),
            ("wss://x:1", .tlsUnsupported("wss://x:1")),
            ("x:1/path", .unexpectedPath("x:1/path")),
            (":4815", .missingHost(":4815")),
            ("x:0", .invalidPort("0")),
            ("x:65536", .invalidPort("65536")),
            ("x:12a", .invalidPort("12a")),
            ("x:", .invalidPort("")),
            ("::1:4815", .ipv6NeedsBrackets("::1:4815")),
            ("[::1:4815", .invalidHost("[::1:4815")),
            ("bad!host:1", .invalidHost("bad!host:1")),
        ]
        for (text, expected) in cases {
            #expect(throws: expected) { try PeerAddress(parsing: text) }
            #expect(!expected.description.contains("\n"))
        }
    }

    @Test func parsesListenAddresses() throws {
        #expect(try ListenAddress(parsing: ":0") == ListenAddress(host: "0.0.0.0", port: 0))
        #expect(try ListenAddress(parsing: "127.0.0.1:5000") == ListenAddress(host: "127.0.0.1", port: 5000))
        #expect(try ListenAddress(parsing: "[::]:7") == ListenAddress(host: "::", port: 7))
        #expect(ListenAddress.default.port == 4815)
        #expect(throws: NetworkAddressError.self) { try ListenAddress(parsing: "ws://x:1") }
    }

    @Test func backoffGrowsIsBoundedAndJittered() {
        var configuration = NetworkConfiguration(nodeName: "n")
        configuration.reconnectInitialDelay = .milliseconds(100)
        configuration.reconnectMaxDelay = .seconds(2)
        configuration.reconnectJitter = 0.5
        #expect(configuration.reconnectDelay(attempt: 0, random: 0) == .milliseconds(100))
        #expect(configuration.reconnectDelay(attempt: 3, random: 0) == .milliseconds(800))
        #expect(configuration.reconnectDelay(attempt: 40, random: 0) == .seconds(2))
        #expect(configuration.reconnectDelay(attempt: 40, random: 1) == .seconds(1))
        #expect(configuration.reconnectDelay(attempt: 2, random: 0.5) == .milliseconds(300))
    }
}
