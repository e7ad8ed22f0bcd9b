import Foundation
import GRDB

extension HyphaDatabase {
    /// Writes `changes` as one signed batch of this node's log and applies them to the view.
    /// Needs the keys (unlocked) and this node authorised as a writer.
    @discardableResult
    public func write(_ changes: [Change]) throws -> LogHead {
        guard !changes.isEmpty else { throw NodeError.nothingToWrite }
        guard changes.count <= Self.maxBatchEntries else { throw NodeError.batchTooLarge(changes.count) }
        for change in changes {
            try Self.validate(key: change.key)
            if case let .put(_, value) = change, value.count > EntryLimits.maxValueBytes {
                throw NodeError.valueTooLarge(value.count)
            }
        }
        let identity = try unlockedKeys()
        guard let device = identity.device else { throw NodeError.notWritable }
        let timestamp = now()
        return try appendOwn(device: device, dataKey: identity.dataKey, requireWriter: true) { dependencies in
            let entries = changes.map { change -> Entry in
                let payload: DataOperation.Payload
                switch change {
                case let .put(key, value): payload = .init(key: key, value: value)
                case let .delete(key): payload = .init(key: key, value: nil)
                }
                return .data(DataOperation.make(payload, timestamp: timestamp, dependencies: dependencies,
                                                database: databaseID, writer: device.publicKey, dataKey: identity.dataKey))
            }
            let local = changes.map { change -> LocalOperation in
                switch change {
                case let .put(key, value): return LocalOperation(data: .init(key: key, value: value, timestamp: timestamp))
                case let .delete(key): return LocalOperation(data: .init(key: key, value: nil, timestamp: timestamp))
                }
            }
            return (entries, local)
        }
    }

    /// Appends root-signed membership operations to this node's log (they are valid in any
    /// log, so this works before the node itself is a writer: genesis, self-authorisation).
    @discardableResult
    public func append(membership operations: [MembershipOperation]) throws -> LogHead {
        let identity = try unlockedKeys()
        guard let device = identity.device else { throw NodeError.notWritable }
        return try appendOwn(device: device, dataKey: identity.dataKey, requireWriter: false) { _ in
            (operations.map { .membership($0) }, operations.map { _ in LocalOperation(data: nil) })
        }
    }

    /// Keys are non-empty UTF-8 of at most 1024 bytes without control characters.
    public static func validate(key: String) throws {
        if key.isEmpty { throw NodeError.invalidKey("it is empty") }
        if key.utf8.count > EntryLimits.maxKeyBytes { throw NodeError.invalidKey("it is longer than \(EntryLimits.maxKeyBytes) bytes") }
        if key.unicodeScalars.contains(where: { $0.value < 0x20 || (0x7F...0x9F).contains($0.value) }) {
            throw NodeError.invalidKey("it contains a control character")
        }
    }

    /// One transaction: catch the view up, compute dependencies, append and sign the batch,
    /// index membership, apply to the view.
    private func appendOwn(device: SigningKeyPair, dataKey: SecureBytes, requireWriter: Bool,
                           make: ([DataOperation.Dependency]) -> ([Entry], [LocalOperation])) throws -> LogHead {
        var membershipChanged = false
        let head = try writer.write { db -> LogHead in
            var own = try LogStore.writerOrCreate(db, key: device.publicKey)
            var applier = try ViewApplier(db, database: databaseID, dataKey: dataKey)
            if case .needsRebuild = try applier.run() {
                _ = try rebuildView(db, dataKey: dataKey)
                applier = try ViewApplier(db, database: databaseID, dataKey: dataKey)
            }
            if requireWriter && applier.membership.status(of: device.publicKey) != .authorised {
                throw NodeError.notWritable
            }
            let dependencies = applier.dependencies(of: own.id)
            let (entries, local) = make(dependencies)
            let blocks = entries.map { $0.encoded() }
            var roots = own.roots
            let start = roots.length
            roots.append(blocks: blocks)
            let signed = SignedTree(signing: roots, with: device)
            try LogStore.append(db, writer: &own, blocks: blocks, roots: roots, signatures: [signed])
            try MembershipState.extract(db, database: databaseID, writerID: own.id, start: start, blocks: blocks)
            if entries.contains(where: { $0.kind.isMembership }) {
                membershipChanged = true
                _ = try applyView(db, dataKey: dataKey)   // membership changed: the general path
            } else {
                applier.noteAppended(writerID: own.id, key: own.key, newLength: roots.length)
                try applier.applyLocal(writerID: own.id, start: start, operations: local, dependencies: dependencies)
            }
            return LogHead(writer: own.key, signed: signed)
        }
        notify(DatabaseChange(heads: [head], viewChanged: true, membershipChanged: membershipChanged))
        return head
    }
}
