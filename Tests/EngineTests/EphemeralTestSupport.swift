import Foundation
import GRDB
import Synchronization
@testable import HyphaEngine

/// A test double for time: a clock the test sets and advances (milliseconds since the epoch).
final class EphemeralTestClock: Sendable {
    private let value: Mutex<EpochMilliseconds>

    init(_ start: EpochMilliseconds = 1_750_000_000_000) { value = Mutex(start) }

    var now: EpochMilliseconds { value.withLock { $0 } }
    func advance(by ms: EpochMilliseconds) { value.withLock { $0 += ms } }
    func set(_ ms: EpochMilliseconds) { value.withLock { $0 = ms } }
    var closure: @Sendable () -> EpochMilliseconds { { [self] in now } }

    static let minute: EpochMilliseconds = 60_000
}

/// Keys for one database without running Argon2: the channel key is derived from a fixed
/// master `M` exactly as key derivation v1 does; a different `M` stands for another passphrase.
struct EphemeralFixture {
    let root: SigningKeyPair
    let channelKey: SecureBytes
    var databaseID: DatabaseID { root.publicKey }
    var discoveryID: DiscoveryID { DiscoveryID(databaseID: databaseID) }

    init(masterByte: UInt8 = 0x11) {
        let master = try! SecureBytes(copying: [UInt8](repeating: masterByte, count: 32))
        let rootSeed = try! KeyDerivationV1.subkey(of: master, id: 1, context: .root)
        root = try! SigningKeyPair(seed: rootSeed)
        channelKey = try! KeyDerivationV1.subkey(of: master, id: 1, context: .channel)
    }

    func seal(_ type: EphemeralMessageType = .authorisationRequest, body: [UInt8] = Array("hello".utf8),
              sentAt: EpochMilliseconds, messageID: MessageID = .random()) -> [UInt8] {
        try! EphemeralEnvelope.seal(type: type, body: body, discoveryID: discoveryID, channelKey: channelKey,
                                    sentAt: sentAt, messageID: messageID)
    }

    func receiver(clock: EphemeralTestClock, seen: any SeenMessageStore = InMemorySeenMessageStore()) -> EphemeralReceiver {
        EphemeralReceiver(databaseID: databaseID, channelKey: channelKey, seen: seen, now: clock.closure)
    }
}

func ephemeralDeviceKeys(_ byte: UInt8) -> SigningKeyPair {
    try! SigningKeyPair(seed: SecureBytes(copying: [UInt8](repeating: byte, count: 32)))
}

/// A fresh SQLite file with the ephemeral tables, in a temporary directory.
func ephemeralTemporaryDatabasePath() -> String {
    let dir = FileManager.default.temporaryDirectory.appendingPathComponent("hypha-ephemeral-\(UUID().uuidString)")
    try! FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
    return dir.appendingPathComponent("node.sqlite").path
}

func openEphemeralDatabase(_ path: String? = nil) throws -> DatabaseQueue {
    let queue = try path.map { try DatabaseQueue(path: $0) } ?? DatabaseQueue()
    try EphemeralSchema.migrate(queue)
    return queue
}

/// Collects values handed to callbacks on any thread.
final class EphemeralRecorder<Value: Sendable>: Sendable {
    private let items = Mutex<[Value]>([])
    func append(_ value: Value) { items.withLock { $0.append(value) } }
    var all: [Value] { items.withLock { $0 } }
    var count: Int { items.withLock { $0.count } }
}
