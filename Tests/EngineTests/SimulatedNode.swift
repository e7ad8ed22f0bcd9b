import Foundation
@testable import HyphaEngine

/// A node of one identity for engine tests: a real (in-memory or on-disk) SQLite database,
/// real keys derived from a fixed master key (skipping Argon2id, which the key-derivation tests
/// cover), and a deterministic clock (a test double for time).
final class SimulatedNode: @unchecked Sendable {
    let database: HyphaDatabase
    let keys: IdentityKeys
    let clock: TestClock
    var deviceKey: PublicKey { keys.device!.publicKey }

    init(master: SecureBytes, deviceID: UInt64, clock: TestClock = TestClock(), path: String? = nil) throws {
        keys = try Identity.keys(fromMaster: master, domain: "example.org", deviceID: DeviceID(deviceID)!)
        self.clock = clock
        let now: @Sendable () -> UInt64 = { clock.now() }
        let id = keys.databaseID
        database = try path.map { try HyphaDatabase.open(path: $0, databaseID: id, now: now) }
            ?? HyphaDatabase.inMemory(databaseID: id, now: now)
        try database.unlock(keys)
    }

    static func master(_ seed: UInt8 = 1) -> SecureBytes { try! SecureBytes(copying: [UInt8](repeating: seed, count: 32)) }

    /// An origin (device 1) and a second writer it authorised (device 2) that has its log.
    static func authorisedPair(master: SecureBytes, names: (String, String), clock: TestClock = TestClock()) throws -> (SimulatedNode, SimulatedNode) {
        let origin = try SimulatedNode(master: master, deviceID: 1, clock: clock)
        try origin.createDatabase(name: names.0)
        let second = try SimulatedNode(master: master, deviceID: 2, clock: clock)
        try origin.authorise(second, name: names.1)
        try second.pull(from: origin)
        return (origin, second)
    }

    /// Makes this node the origin: genesis and its own add-writer.
    func createDatabase(name: String = "origin") throws {
        try database.append(membership: [
            .make(.genesis(kdfVersion: 1, domain: "example.org"), database: keys.root, createdAt: clock.now()),
            .make(.addWriter(writer: deviceKey, name: name, addedBy: deviceKey), database: keys.root, createdAt: clock.now()),
        ])
    }

    func authorise(_ other: SimulatedNode, name: String) throws {
        try database.append(membership: [.make(.addWriter(writer: other.deviceKey, name: name, addedBy: deviceKey),
                                               database: keys.root, createdAt: clock.now())])
    }

    func revoke(_ other: SimulatedNode) throws {
        let info = try database.writers().first { $0.key == other.deviceKey }
        let length = info?.length ?? 0
        let hash = length == 0 ? [UInt8](repeating: 0, count: 32) : try blockHash(of: other.deviceKey, index: length - 1)
        try database.append(membership: [.make(.removeWriter(writer: other.deviceKey, cutoffLength: length, cutoffHash: hash),
                                               database: keys.root, createdAt: clock.now())])
    }

    func blockHash(of writer: PublicKey, index: UInt64) throws -> [UInt8] {
        let log = try database.exportLogs().first { $0.writer == writer }!
        return Blake2b.hash(log.blocks[Int(index)])
    }

    /// `joiner`'s authorisation request as this node receives it (queued, pending).
    @discardableResult
    func receiveRequest(from joiner: SimulatedNode, name: String = "joiner", id: RequestID = .random()) throws -> RequestID {
        let message = try AuthorisationRequestMessage(databaseID: database.databaseID, requestID: id, nodeName: name,
                                                      deviceKeys: joiner.keys.device!)
        guard case let .request(verified) = try AuthorisationMessage.decode(type: .authorisationRequest, body: message.encoded,
                                                                           databaseID: database.databaseID).get() else {
            throw AuthorisationRejection.malformed("not a request")
        }
        _ = try database.authorisationRequests().admit(verified)
        return id
    }

    /// The current version ids of `key`.
    func versions(_ key: String) throws -> [VersionID] { try database.entry(key)?.versionIDs ?? [] }

    func put(_ key: String, _ value: String, replacing: [VersionID]) throws {
        try database.write([.put(key: key, value: Array(value.utf8), replaces: replacing)])
    }

    func put(_ key: String, _ value: String) throws { try database.write([.put(key: key, value: Array(value.utf8))]) }
    func delete(_ key: String) throws { try database.write([.delete(key: key)]) }

    /// Pulls every fork proof and every log `other` has beyond ours, chunk by chunk, as
    /// replication would.
    @discardableResult
    func pull(from other: SimulatedNode, maxBytes: Int = 1 << 20) throws -> [IngestOutcome] {
        var outcomes: [IngestOutcome] = []
        for proof in try other.database.forkProofs() where try database.ingest(forkProof: proof) {
            outcomes.append(.forkRecorded(proof))
        }
        for evidence in try other.database.provenBlocks() where try database.ingest(provenBlock: evidence) {
            outcomes.append(.stored(newLength: 0))
        }
        let ours = Dictionary(uniqueKeysWithValues: try database.heads().map { ($0.writer, $0.signed.length) })
        for head in try other.database.heads() where head.signed.length > ours[head.writer] ?? 0 {
            for chunk in try other.database.chunks(writer: head.writer, start: ours[head.writer] ?? 0, end: head.signed.length, maxBytes: maxBytes) {
                outcomes.append(try database.ingest(chunk))
            }
        }
        return outcomes
    }

    func value(_ key: String) throws -> String? {
        guard let entry = try database.entry(key), let value = entry.winner.value else { return nil }
        return String(decoding: value, as: UTF8.self)
    }

    func values(_ key: String) throws -> [String?] {
        try database.entry(key)?.versions.map { $0.value.map { String(decoding: $0, as: UTF8.self) } } ?? []
    }

    /// For a failing case: the dependencies of the first entry each log could not apply yet,
    /// and the proven blocks held.
    func waiting() throws -> String {
        let logs = try database.exportLogs()
        let proven = try database.provenBlocks().map { p -> String in
            if case let .membership(op)? = try? Entry.decode(p.block), case let .removeWriter(w, c, _) = op.body {
                return "removal of \(w.shortHex) cut \(c) in \(p.writer.shortHex)@\(p.position) t=\(op.createdAt)"
            }
            return "block \(p.writer.shortHex)@\(p.position) \(Hex.encode(Blake2b.hash(p.block)).prefix(8))"
        }
        let caps = try database.grdbWriter.read { db in try String.fetchAll(db, sql: "SELECT writer_id || ':' || valid_length || ' ' || reason FROM log_caps") }
        let counted = try database.grdbWriter.read { db in try MembershipState.load(db) }.removals.map { "counts: removal of \($0.key.shortHex) \($0.value.map { "cut \($0.cutoffLength) hash \(Hex.encode($0.cutoffHash).prefix(8)) by \($0.carrier?.shortHex ?? "?")" })" }
        return try (proven + caps + counted + database.writers().compactMap { writer -> String? in
            guard writer.appliedLength < min(writer.length, writer.acceptedLength ?? .max),
                  let log = logs.first(where: { $0.writer == writer.key }),
                  case let .data(op) = try Entry.decode(log.blocks[Int(writer.appliedLength)]) else { return nil }
            let deps = op.dependencies.map { "\($0.writer.shortHex)@\($0.length)" }.joined(separator: " ")
            return "\(writer.key.shortHex) waits at \(writer.appliedLength) for \(deps)"
        }).joined(separator: "\n")
    }

    /// Everything a person can see: live entries with all versions, and the writers.
    func snapshot() throws -> String {
        var lines: [String] = []
        var after: String?
        while true {
            let page = try database.list(after: after, limit: 500, values: false)
            for summary in page {
                let versions = try database.entry(summary.key)!.versions.map { v in
                    "\(v.writer.shortHex):\(v.index):\(v.value.map { String(decoding: $0, as: UTF8.self) } ?? "<deleted>")"
                }
                lines.append("\(summary.key) = \(versions.joined(separator: " | "))")
            }
            guard let last = page.last else { break }
            after = last.key
        }
        for key in try database.conflicts() { lines.append("conflict \(key)") }
        // Every key's history, live or deleted: every version, whether current, what it followed.
        var keys: [String] = []
        after = nil
        while true {
            let page = try database.list(after: after, limit: 500, values: false)
            keys += page.map(\.key)
            guard let last = page.last else { break }
            after = last.key
        }
        keys += try database.deletedKeys(limit: 100_000)
        for key in keys.sorted() {
            let versions = try database.history(key).map { item in
                "\(item.version.id)\(item.version.isDeletion ? "-" : "")\(item.isCurrent ? "*" : "")<\(item.follows.map(\.description).sorted().joined(separator: ","))"
            }
            lines.append("history \(key): \(versions.joined(separator: " "))")
        }
        for writer in try database.writers() {
            lines.append("writer \(writer.key.shortHex) \(writer.name ?? "-") \(writer.status) accepted=\(writer.acceptedLength.map(String.init) ?? "all") fork=\(writer.forkedAt.map(String.init) ?? "-") stored=\(writer.length) applied=\(writer.appliedLength)")
        }
        return lines.joined(separator: "\n")
    }
}

/// A controllable clock (test double for time): starts at a fixed instant, advances on demand.
final class TestClock: @unchecked Sendable {
    private let lock = NSLock()
    private var value: UInt64

    init(start: UInt64 = 1_790_000_000_000) { value = start }

    func now() -> UInt64 { lock.lock(); defer { lock.unlock() }; value += 1; return value }
    func advance(_ ms: UInt64) { lock.lock(); value += ms; lock.unlock() }
}
