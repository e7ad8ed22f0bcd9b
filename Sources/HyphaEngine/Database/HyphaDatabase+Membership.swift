import Foundation
import GRDB

extension HyphaDatabase {
    /// Authorises `device` as a writer without a request (self-authorisation with the
    /// passphrase): appends a root-signed add-writer to this node's log unless the device is
    /// already a writer; the check and the append are one transaction.
    @discardableResult
    public func authorise(device: PublicKey, name: String) throws -> LogHead? {
        guard device.isValidPoint else { throw NodeError.invalidKey("not a valid device key") }
        return try appendMembership { context, identity in
            switch context.membership.status(of: device) {
            case .authorised: return []
            case .removed: throw NodeError.alreadyRevoked(name)
            case .unknown:
                return [.make(.addWriter(writer: device, name: name, addedBy: context.device), database: identity.root, createdAt: now())]
            }
        }
    }

    /// Approves exactly authorisation request `id`: in one transaction, checks that it is
    /// pending here, that nobody denied it and that its device is not a writer yet, appends the
    /// root-signed approval naming the request, and marks it approved. `code`, when given, must
    /// be the request's.
    @discardableResult
    public func approve(request id: RequestID, code: VerificationCode? = nil) throws -> AuthorisationRecord {
        do {
            return try approvePending(request: id, code: code)
        } catch let EphemeralError.requestNotPending(hex, state) where state == .denied {
            // The row closed when a denial reached this database (made here or replicated from
            // another node): say who denied it and that it can never be approved, whichever
            // came first, the node closing the row or this command.
            guard let by = try denial(of: id) else { throw EphemeralError.requestNotPending(id: hex, state: state) }
            throw EphemeralError.requestDeniedElsewhere(id: hex, by: by)
        }
    }

    private func approvePending(request id: RequestID, code: VerificationCode?) throws -> AuthorisationRecord {
        try decide(request: id, state: .approved, reason: nil, code: code) { context, identity, row in
            let membership = context.membership
            if let denial = membership.denials[row.requestID] {
                throw EphemeralError.requestDeniedElsewhere(id: row.requestID.hex, by: name(of: denial.deniedBy, membership))
            }
            switch membership.status(of: row.deviceKey) {
            case .removed: throw EphemeralError.deviceRevoked(id: row.requestID.hex)
            case .authorised:
                let by = membership.additions[row.deviceKey].map { name(of: $0.addedBy, membership) } ?? "another node"
                throw EphemeralError.deviceAlreadyAuthorised(id: row.requestID.hex, by: by)
            case .unknown:
                return [.make(.approveRequest(writer: row.deviceKey, name: row.nodeName, addedBy: context.device, request: row.requestID),
                              database: identity.root, createdAt: now())]
            }
        }
    }

    /// Denies exactly authorisation request `id` for good: a root-signed denial travels to
    /// every node (and the joiner), where that request closes and can never be approved.
    @discardableResult
    public func deny(request id: RequestID, reason: String = "denied") throws -> AuthorisationRecord {
        try decide(request: id, state: .denied, reason: AuthorisationDenial(requestID: id, reason: reason).reason, code: nil) { context, identity, row in
            let membership = context.membership
            if membership.status(of: row.deviceKey) == .authorised {
                let by = membership.additions[row.deviceKey].map { name(of: $0.addedBy, membership) } ?? "another node"
                throw EphemeralError.deviceAlreadyAuthorised(id: row.requestID.hex, by: by)
            }
            if membership.denials[row.requestID] != nil { return [] }
            return [.make(.denyRequest(device: row.deviceKey, request: row.requestID, deniedBy: context.device),
                          database: identity.root, createdAt: now())]
        }
    }

    /// Closes the pending requests answered by another node (its approval or denial has
    /// replicated here): their alerts go away everywhere. Returns the ids closed.
    @discardableResult
    public func closeAnsweredRequests() throws -> [RequestID] {
        let membership = try writer.read { db in try MembershipState.load(db) }
        return try authorisationRequests().closeAnswered { row in
            if membership.denials[row.requestID] != nil { return .denied }
            switch membership.status(of: row.deviceKey) {
            case .authorised: return .approved
            case .removed: return .denied
            case .unknown: return nil
            }
        }
    }

    /// Whether authorisation request `id` was denied by a node of this database, and by whom.
    public func denial(of id: RequestID) throws -> String? {
        try writer.read { db in
            let membership = try MembershipState.load(db)
            return membership.denials[id].map { name(of: $0.deniedBy, membership) }
        }
    }

    /// Why this device may not act any more (revoked), if it may not.
    public func revocation(of device: PublicKey) throws -> NodeError? {
        try writer.read { db in
            let membership = try MembershipState.load(db)
            guard let removal = membership.firstRemoval(of: device) else { return nil }
            return .revoked(by: removal.carrier.map { name(of: $0, membership) } ?? "another node", on: Self.day(removal.createdAt))
        }
    }

    /// Revokes `writer`: a root-signed remove-writer whose cut-off is what this node holds of
    /// that writer's log (length and the hash of its last block). Its entries up to there stay
    /// everywhere; later ones are ignored everywhere; the key can never write again.
    @discardableResult
    public func revoke(writer key: PublicKey) throws -> (head: LogHead, cutoff: UInt64) {
        var cutoff: UInt64 = 0
        let head = try appendMembership { context, identity in
            if key == context.device { throw NodeError.cannotRevokeSelf }
            if context.membership.status(of: key) == .removed { throw NodeError.alreadyRevoked(name(of: key, context.membership)) }
            let db = context.db
            var hash = [UInt8](repeating: 0, count: 32)
            if let log = try LogStore.writer(db, key: key), log.length > 0,
               let last = try LogStore.block(db, writerID: log.id, index: log.length - 1) {
                cutoff = log.length
                hash = Blake2b.hash(last)
            }
            return [.make(.removeWriter(writer: key, cutoffLength: cutoff, cutoffHash: hash), database: identity.root, createdAt: now())]
        }
        guard let head else { throw NodeError.alreadyRevoked(key.shortHex) }
        return (head, cutoff)
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

    // MARK: Helpers

    /// Appends the membership operations `make` decides on, in one transaction with the checks
    /// it makes; nothing is appended (nil) when it returns none.
    private func appendMembership(_ make: (AppendContext, IdentityKeys) throws -> [MembershipOperation]) throws -> LogHead? {
        let head = try withUnlockedKeys { identity -> LogHead? in
            try writer.write { db -> LogHead? in
                try appendOwn(db, identity: identity, requireWriter: false) { context in
                    let operations = try make(context, identity)
                    return (operations.map { .membership($0) }, operations.map { _ in LocalOperation(data: nil) })
                }
            }
        }
        if let head { notify(DatabaseChange(heads: [head], viewChanged: true, membershipChanged: true)) }
        return head
    }

    private func decide(request id: RequestID, state: AuthorisationState, reason: String?, code: VerificationCode?,
                        make: (AppendContext, IdentityKeys, AuthorisationRecord) throws -> [MembershipOperation]) throws -> AuthorisationRecord {
        var head: LogHead?
        let record = try withUnlockedKeys { identity in
            try authorisationRequests().decide(id, state: state, reason: reason, code: code) { db, row in
                head = try appendOwn(db, identity: identity, requireWriter: false) { context in
                    let operations = try make(context, identity, row)
                    return (operations.map { .membership($0) }, operations.map { _ in LocalOperation(data: nil) })
                }
            }
        }
        if let head { notify(DatabaseChange(heads: [head], viewChanged: true, membershipChanged: true)) }
        return record
    }

    func name(of key: PublicKey, _ membership: MembershipState) -> String {
        membership.additions[key].map { Sanitise.forTerminal($0.name, limit: 64) } ?? key.shortHex
    }
}
