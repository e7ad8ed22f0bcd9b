import Foundation
import GRDB

extension HyphaDatabase {
    /// Writes `changes` as one signed batch of this node's log and applies them to the view.
    /// Needs the keys (unlocked) and this node authorised as a writer. A change that names the
    /// versions it replaces (the versions its writer saw) is written in entry format 2: a
    /// version written meanwhile elsewhere stays, as a conflict.
    @discardableResult
    public func write(_ changes: [Change]) throws -> LogHead {
        guard !changes.isEmpty else { throw NodeError.nothingToWrite }
        guard changes.count <= Self.maxBatchEntries else { throw NodeError.batchTooLarge(changes.count) }
        for change in changes {
            try Self.validate(key: change.key)
            if case let .put(_, value, _) = change, value.count > EntryLimits.maxValueBytes {
                throw NodeError.valueTooLarge(value.count)
            }
            if let replaces = change.replaces, replaces.count > DataOperation.maxReplaced {
                throw NodeError.invalidKey("it names more than \(DataOperation.maxReplaced) versions to replace")
            }
        }
        let timestamp = now()
        let appended = try withUnlockedKeys { identity in
            try writer.write { db in
                try appendOwn(db, identity: identity, requireWriter: true) { context in
                    for change in changes { try checkReplaced(db, change: change, dataKey: identity.dataKey) }
                    let entries = changes.map { change -> Entry in
                        let payload = DataOperation.Payload(key: change.key, value: change.value, replaces: change.replaces)
                        return .data(DataOperation.make(payload, timestamp: timestamp, dependencies: context.dependencies,
                                                        database: databaseID, writer: context.device, dataKey: identity.dataKey))
                    }
                    let local = changes.map {
                        LocalOperation(data: .init(key: $0.key, value: $0.value, timestamp: timestamp, replaces: $0.replaces))
                    }
                    return (entries, local)
                }
            }
        }
        guard let head = appended else { throw NodeError.nothingToWrite }
        notify(DatabaseChange(heads: [head], viewChanged: true, membershipChanged: false, keys: changes.map(\.key)))
        return head
    }

    /// Appends root-signed membership operations to this node's log (they are valid in any
    /// log, so this works before the node itself is a writer: genesis, self-authorisation).
    @discardableResult
    public func append(membership operations: [MembershipOperation]) throws -> LogHead {
        let appended = try withUnlockedKeys { identity in
            try writer.write { db in
                try appendOwn(db, identity: identity, requireWriter: false) { _ in
                    (operations.map { .membership($0) }, operations.map { _ in LocalOperation(data: nil) })
                }
            }
        }
        guard let head = appended else { throw NodeError.nothingToWrite }
        notify(DatabaseChange(heads: [head], viewChanged: true, membershipChanged: true))
        return head
    }

    /// Keys are non-empty UTF-8 of at most 1024 bytes without control characters.
    public static func validate(key: String) throws {
        if key.isEmpty { throw NodeError.invalidKey("it is empty") }
        if key.utf8.count > EntryLimits.maxKeyBytes { throw NodeError.invalidKey("it is longer than \(EntryLimits.maxKeyBytes) bytes") }
        if key.unicodeScalars.contains(where: { $0.value < 0x20 || (0x7F...0x9F).contains($0.value) }) {
            throw NodeError.invalidKey("it contains a control character")
        }
    }

    /// A version named as replaced must be a put or delete of the same key held here (current
    /// or already replaced: naming an older version is how a stale edit stays a conflict).
    private func checkReplaced(_ db: Database, change: Change, dataKey: SecureBytes) throws {
        for id in change.replaces ?? [] {
            guard let log = try LogStore.writer(db, key: id.writer), id.index < log.length,
                  let block = try LogStore.block(db, writerID: log.id, index: id.index),
                  case let .data(op)? = try? Entry.decode(block),
                  op.open(database: databaseID, writer: id.writer, dataKey: dataKey)?.key == change.key else {
                throw VersionIDError.notAVersionOf(id.description, key: change.key)
            }
        }
    }

    /// What an append may look at inside its transaction.
    struct AppendContext {
        /// The transaction the append runs in.
        var db: Database
        var device: PublicKey
        var dependencies: [DataOperation.Dependency]
        var membership: MembershipState
    }

    /// Inside a write transaction: catch the view up, check that this device may still act,
    /// compute dependencies, append and sign the batch, index membership, apply to the view.
    /// `make` runs inside the same transaction, so checks it makes cannot go stale before the
    /// append (two approvals of one request on one node, say).
    func appendOwn(_ db: Database, identity: IdentityKeys, requireWriter: Bool,
                   make: (AppendContext) throws -> ([Entry], [LocalOperation])) throws -> LogHead? {
        guard let device = identity.device else { throw NodeError.notWritable }
        try refuseWritesIfDamaged(db)
        let dataKey = identity.dataKey
        var own = try LogStore.writerOrCreate(db, key: device.publicKey)
        var applier = try ViewApplier(db, database: databaseID, dataKey: dataKey)
        if case .needsRebuild = try applier.run() {
            _ = try rebuildView(db, dataKey: dataKey)
            applier = try ViewApplier(db, database: databaseID, dataKey: dataKey)
        }
        try checkStanding(db, device: device.publicKey, membership: applier.membership, requireWriter: requireWriter)
        let dependencies = applier.dependencies(of: own.id)
        let (entries, local) = try make(AppendContext(db: db, device: device.publicKey, dependencies: dependencies, membership: applier.membership))
        if entries.isEmpty { return nil }
        let blocks = entries.map { $0.encoded() }
        var roots = own.roots
        let start = roots.length
        roots.append(blocks: blocks)
        let signed = SignedTree(signing: roots, with: device)
        try LogStore.append(db, writer: &own, blocks: blocks, roots: roots, signatures: [signed])
        try MembershipIndex.extract(db, database: databaseID, writerID: own.id, start: start, blocks: blocks)
        if entries.contains(where: { $0.kind.isMembership }) {
            try LogPruning.enforce(db, database: databaseID)
            _ = try applyView(db, dataKey: dataKey)   // membership changed: the general path
        } else {
            applier.noteAppended(writerID: own.id, key: own.key, newLength: roots.length)
            try applier.applyLocal(writerID: own.id, start: start, operations: local, dependencies: dependencies)
        }
        return LogHead(writer: own.key, signed: signed)
    }

    /// A revoked device, or one whose log forked, may not append anything any more.
    private func checkStanding(_ db: Database, device: PublicKey, membership: MembershipState, requireWriter: Bool) throws {
        if let removal = membership.firstRemoval(of: device) {
            let by = try removal.carrier.map { try writerName(db, key: $0, membership: membership) } ?? "another node"
            throw NodeError.revoked(by: by, on: Self.day(removal.createdAt))
        }
        if let log = try LogStore.writer(db, key: device), let fork = try ForkRecords.firstForkIndex(db)[log.id] {
            throw NodeError.ownLogForked(at: fork)
        }
        if requireWriter && membership.status(of: device) != .authorised { throw NodeError.notWritable }
    }

    func writerName(_ db: Database, key: PublicKey, membership: MembershipState) throws -> String {
        membership.additions[key].map { Sanitise.forTerminal($0.name, limit: 64) } ?? key.shortHex
    }

    /// `2026-12-01` (UTC) for a time in milliseconds.
    static func day(_ milliseconds: UInt64) -> String {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "UTC")
        formatter.dateFormat = "yyyy-MM-dd"
        return formatter.string(from: Date(timeIntervalSince1970: Double(milliseconds) / 1000))
    }
}
