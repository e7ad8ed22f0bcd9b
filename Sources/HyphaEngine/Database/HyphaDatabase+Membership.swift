import Foundation
import GRDB

extension HyphaDatabase {
    /// Authorises `device` as a writer: appends a root-signed add-writer to this node's log.
    /// Needs the keys (the root key is derived from the passphrase).
    @discardableResult
    public func authorise(device: PublicKey, name: String) throws -> LogHead {
        let identity = try unlockedKeys()
        guard let own = identity.device else { throw NodeError.notWritable }
        guard device.isValidPoint else { throw NodeError.invalidKey("not a valid device key") }
        return try append(membership: [.make(.addWriter(writer: device, name: name, addedBy: own.publicKey),
                                            database: identity.root, createdAt: now())])
    }

    /// Revokes `writer`: a root-signed remove-writer whose cut-off is what this node holds of
    /// that writer's log (length and the hash of its last block). Its entries up to there stay
    /// everywhere; later ones are ignored everywhere; the key can never write again.
    @discardableResult
    public func revoke(writer key: PublicKey) throws -> (head: LogHead, cutoff: UInt64) {
        let identity = try unlockedKeys()
        if let info = try writers().first(where: { $0.key == key }), info.status == .removed {
            throw NodeError.alreadyRevoked(info.name ?? key.shortHex)
        }
        let (length, hash) = try writer.read { db -> (UInt64, [UInt8]) in
            guard let log = try LogStore.writer(db, key: key), log.length > 0,
                  let last = try LogStore.block(db, writerID: log.id, index: log.length - 1) else {
                return (0, [UInt8](repeating: 0, count: 32))
            }
            return (log.length, Blake2b.hash(last))
        }
        let head = try append(membership: [.make(.removeWriter(writer: key, cutoffLength: length, cutoffHash: hash),
                                                database: identity.root, createdAt: now())])
        return (head, length)
    }

    /// Finds a writer by exact node name or by a hex prefix of its key (at least 4 digits).
    public func findWriter(_ text: String) throws -> WriterInfo {
        let all = try writers()
        let byName = all.filter { $0.name == text }
        if byName.count == 1 { return byName[0] }
        let lowered = text.lowercased()
        let byKey = lowered.count >= 4 && lowered.allSatisfy(\.isHexDigit) ? all.filter { $0.key.hex.hasPrefix(lowered) } : []
        let matches = byName.isEmpty ? byKey : byName
        if matches.count == 1 { return matches[0] }
        if matches.isEmpty { throw NodeError.noSuchNode(text) }
        throw NodeError.ambiguousNode(text, candidates: matches.map { "\($0.name ?? "?") (\($0.key.shortHex))" })
    }
}
