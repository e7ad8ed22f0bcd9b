import CSodium

/// The capabilities of one session: ours to send in Open, and the one the peer must send.
public struct SessionCapabilities: Sendable, Equatable {
    public let local: [UInt8]
    public let expectedRemote: [UInt8]

    /// Constant-time comparison of what the peer sent with what it should have sent.
    func remoteMatches(_ presented: [UInt8]) -> Bool {
        guard presented.count == expectedRemote.count else { return false }
        return presented.withUnsafeBytes { a in
            expectedRemote.withUnsafeBytes { b in sodium_memcmp(a.baseAddress!, b.baseAddress!, a.count) == 0 }
        }
    }
}

/// Proof of knowing the database id, bound to one session:
/// `binding = BLAKE2b-256("hypha/bind/v1" ‖ K_i→r ‖ K_r→i)` (the same on both sides), and
/// `capability(role) = BLAKE2b-256(key = binding, "hypha/cap/v1" ‖ role ‖ databaseID)`.
enum SessionCapability {
    static let bindingLabel = Array("hypha/bind/v1".utf8)
    static let capabilityLabel = Array("hypha/cap/v1".utf8)

    static func derive(keys: SessionKeys, databaseID: DatabaseID) throws -> SessionCapabilities {
        let binding = try bindingKey(keys)
        defer { binding.wipe() }
        return SessionCapabilities(
            local: capability(binding: binding, role: keys.role, databaseID: databaseID),
            expectedRemote: capability(binding: binding, role: keys.role.other, databaseID: databaseID))
    }

    static func bindingKey(_ keys: SessionKeys) throws -> SecureBytes {
        let out = try SecureBytes(connectionSecretCount: 32)
        out.withUnsafeMutableBytes { o in
            GuardedBlake2b.hash(into: o, key: nil) { update in
                bindingLabel.withUnsafeBytes(update)
                keys.initiatorToResponder.withUnsafeBytes(update)
                keys.responderToInitiator.withUnsafeBytes(update)
            }
        }
        return out
    }

    static func capability(binding: SecureBytes, role: ConnectionRole, databaseID: DatabaseID) -> [UInt8] {
        var out = [UInt8](repeating: 0, count: WireLimits.capabilityLength)
        out.withUnsafeMutableBytes { o in
            GuardedBlake2b.hash(into: o, key: binding) { update in
                capabilityLabel.withUnsafeBytes(update)
                [role.capabilityByte].withUnsafeBytes(update)
                databaseID.bytes.withUnsafeBytes(update)
            }
        }
        return out
    }
}

/// BLAKE2b (`crypto_generichash`) over inputs that may be secrets, read in place from guarded
/// memory; the hash state is zeroed afterwards.
enum GuardedBlake2b {
    static func hash(into out: UnsafeMutableRawBufferPointer, key: SecureBytes?,
                     _ feed: ((UnsafeRawBufferPointer) -> Void) -> Void) {
        let stateBytes = crypto_generichash_statebytes()
        let statePointer = UnsafeMutableRawPointer.allocate(byteCount: stateBytes, alignment: 64)
        defer {
            sodium_memzero(statePointer, stateBytes)
            statePointer.deallocate()
        }
        let state = OpaquePointer(statePointer)
        if let key {
            _ = key.withUnsafeBytes { k in
                crypto_generichash_init(state, k.baseAddress!.assumingMemoryBound(to: UInt8.self), k.count, out.count)
            }
        } else {
            _ = crypto_generichash_init(state, nil, 0, out.count)
        }
        feed { part in
            guard let base = part.baseAddress, part.count > 0 else { return }
            _ = crypto_generichash_update(state, base.assumingMemoryBound(to: UInt8.self), UInt64(part.count))
        }
        _ = crypto_generichash_final(state, out.baseAddress!.assumingMemoryBound(to: UInt8.self), out.count)
    }
}
