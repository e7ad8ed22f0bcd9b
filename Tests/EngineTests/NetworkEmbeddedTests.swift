import Logging
import NIOCore
import NIOEmbedded
import Synchronization
import Testing
@testable import HyphaEngine

/// Two complete connection pipelines (framing, secure channel, session) on EmbeddedChannels,
/// wired back to back: deterministic, single-threaded, with store calls made inline.
@Suite struct NetworkEmbeddedTests {
    final class Notices: Sendable {
        private let state = Mutex<(handles: [SessionHandle], events: [SessionEvent], closes: [String])>(([], [], []))

        var observer: SessionObserver {
            { [self] _, notice in
                state.withLock { s in
                    switch notice {
                    case let .opened(handle, _): s.handles.append(handle)
                    case let .event(event): s.events.append(event)
                    case let .closed(_, message, _): s.closes.append(message)
                    }
                }
            }
        }

        var handles: [SessionHandle] { state.withLock { $0.handles } }
        var events: [SessionEvent] { state.withLock { $0.events } }
        var closes: [String] { state.withLock { $0.closes } }
    }

    static func channel(role: ConnectionRole, store: MemoryReplicationStore, notices: Notices,
                        limits: SyncLimits = testConfiguration("x").limits) throws -> EmbeddedChannel {
        let channel = EmbeddedChannel()
        let descriptor = ConnectionDescriptor(id: ConnectionID(rawValue: role == .initiator ? 1 : 2), role: role,
                                              transport: .tcp, address: "embedded")
        let settings = SessionSettings(local: LocalNode(nodeName: "\(role)", flags: [], nodeNonce: role == .initiator ? 1 : 2),
                                       limits: limits)
        let trust = ConnectionTrust()
        try channel.pipeline.syncOperations.addHandlers([
            ByteToMessageHandler(TransportFrameDecoder(trust: trust)),
            SecureChannelHandler(role: role, databaseID: store.databaseID),
            SessionHandler(descriptor: descriptor, settings: settings, executor: .inline(store), trust: trust,
                           logger: Logger(label: "test"), observer: notices.observer),
        ])
        return channel
    }

    /// Moves bytes both ways until neither side has anything more to say; returns the bytes each
    /// side wrote.
    @discardableResult
    static func pump(_ a: EmbeddedChannel, _ b: EmbeddedChannel,
                     tamper: (inout ByteBuffer) -> Void = { _ in }) throws -> (fromA: Int, fromB: Int) {
        var fromA = 0, fromB = 0
        var moved = true
        while moved {
            moved = false
            a.embeddedEventLoop.run()
            b.embeddedEventLoop.run()
            while var buffer = try a.readOutbound(as: ByteBuffer.self) {
                fromA += buffer.readableBytes
                tamper(&buffer)
                if b.isActive { try b.writeInbound(buffer) }
                moved = true
            }
            while let buffer = try b.readOutbound(as: ByteBuffer.self) {
                fromB += buffer.readableBytes
                if a.isActive { try a.writeInbound(buffer) }
                moved = true
            }
        }
        return (fromA, fromB)
    }

    static func connect(_ channels: EmbeddedChannel...) throws {
        for channel in channels { try channel.connect(to: SocketAddress(ipAddress: "127.0.0.1", port: 1)).wait() }
    }

    @Test func syncsAndPushesLiveChanges() throws {
        let writers = [NetworkFixtures.keyPair(1), NetworkFixtures.keyPair(2), NetworkFixtures.keyPair(3)]
        let source = MemoryReplicationStore(databaseID: NetworkFixtures.databaseA)
        NetworkFixtures.populate(source, writers: writers, batches: 30, perBatch: 7)
        let target = MemoryReplicationStore(databaseID: NetworkFixtures.databaseA)
        let sourceNotices = Notices(), targetNotices = Notices()
        let initiator = try Self.channel(role: .initiator, store: target, notices: targetNotices)
        let responder = try Self.channel(role: .responder, store: source, notices: sourceNotices)
        try Self.connect(initiator, responder)
        try Self.pump(initiator, responder)

        #expect(target.sameLogs(as: source))
        #expect(target.writers.count == 3)
        #expect(target.storedCount > 3)   // several chunks per writer
        #expect(targetNotices.events.contains(.synced))

        // A local append on the source is pushed to the target, which is exactly at the old length.
        let head = source.append([Array("live".utf8)], by: writers[0])
        let sourceSession = try #require(sourceNotices.handles.first)
        sourceSession.feed(.localChange([head]))
        let before = target.ingestCount
        let traffic = try Self.pump(initiator, responder)
        #expect(traffic.fromA == 0)   // pushed as Data: the target did not have to ask
        #expect(target.length(of: writers[0].publicKey) == 211)
        #expect(target.ingestCount == before + 1)
        #expect(targetNotices.events.contains(.ingested(head)))

        try initiator.close().wait()
        let secure = try initiator.pipeline.syncOperations.handler(type: SecureChannelHandler.self)
        #expect(secure.keysWiped)
    }

    /// Ephemeral messages are rate limited per connection with the relay's numbers (a burst of 40,
    /// then 20 per second: `RelayLimits`, PROTOCOL.md "Relay rules"); the excess is dropped before
    /// it leaves the connection.
    @Test func ephemeralMessagesAreLimitedWithTheRelayNumbers() throws {
        let a = MemoryReplicationStore(databaseID: NetworkFixtures.databaseA)
        let b = MemoryReplicationStore(databaseID: NetworkFixtures.databaseA)
        let senderNotices = Notices(), receiverNotices = Notices()
        let initiator = try Self.channel(role: .initiator, store: a, notices: senderNotices)
        let responder = try Self.channel(role: .responder, store: b, notices: receiverNotices)
        try Self.connect(initiator, responder)
        try Self.pump(initiator, responder)
        let sender = try #require(senderNotices.handles.first)
        for i in 0..<100 { sender.feed(.sendEphemeral(hops: 4, envelope: [UInt8(i)])) }
        try Self.pump(initiator, responder)
        let delivered = receiverNotices.events.filter { if case .ephemeral = $0 { true } else { false } }.count
        // Pumping takes a few milliseconds: at 20 per second that refills at most one token.
        #expect(delivered >= 40 && delivered <= 41, "\(delivered) delivered")
        #expect(RelayLimits().burst == 40 && RelayLimits().messagesPerSecond == 20)
    }

    @Test func aPeerWithAnotherDatabaseGetsOnlyTheHello() throws {
        let stranger = MemoryReplicationStore(databaseID: NetworkFixtures.databaseB)
        let owner = MemoryReplicationStore(databaseID: NetworkFixtures.databaseA)
        NetworkFixtures.populate(owner, writers: [NetworkFixtures.keyPair(1)], batches: 2, perBatch: 2)
        let strangerNotices = Notices(), ownerNotices = Notices()
        let initiator = try Self.channel(role: .initiator, store: stranger, notices: strangerNotices)
        let responder = try Self.channel(role: .responder, store: owner, notices: ownerNotices)
        try Self.connect(initiator, responder)
        let written = try Self.pump(initiator, responder)
        #expect(written.fromB == WireLimits.helloLength)
        #expect(!responder.isActive)
        #expect(ownerNotices.handles.isEmpty)
        #expect(ownerNotices.closes.first?.contains("capability mismatch") == true)
        #expect(stranger.ingestCount == 0)
    }

    @Test func aTamperedFrameClosesTheConnection() throws {
        let a = MemoryReplicationStore(databaseID: NetworkFixtures.databaseA)
        let b = MemoryReplicationStore(databaseID: NetworkFixtures.databaseA)
        let notices = Notices()
        let initiator = try Self.channel(role: .initiator, store: a, notices: Notices())
        let responder = try Self.channel(role: .responder, store: b, notices: notices)
        try Self.connect(initiator, responder)
        var seen = 0
        try Self.pump(initiator, responder) { buffer in
            seen += 1
            // The initiator's second unit is its Open frame: flip one ciphertext bit.
            if seen == 2, let byte = buffer.getInteger(at: buffer.writerIndex - 1, as: UInt8.self) {
                buffer.setInteger(byte ^ 0x01, at: buffer.writerIndex - 1)
            }
        }
        #expect(!responder.isActive)
        #expect(notices.handles.isEmpty)
        #expect(notices.closes.first?.contains("decrypt") == true)
    }
}
