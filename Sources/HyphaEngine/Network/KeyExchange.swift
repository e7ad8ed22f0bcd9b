import CSodium

/// Why a secure channel could not be set up or used. The connection is closed; nothing is retried.
public enum SecureChannelError: Error, Equatable, Sendable, CustomStringConvertible {
    case badHello
    case unsupportedHandshakeVersion(UInt8)
    case unacceptablePublicKey
    case frameTooLarge(UInt32, limit: Int)
    case badStreamHeader
    case decryptionFailed
    case unexpectedTag(UInt8)
    case notEstablished

    public var description: String {
        switch self {
        case .badHello: return "the peer did not start with a Hypha handshake"
        case let .unsupportedHandshakeVersion(v): return "unsupported handshake version \(v)"
        case .unacceptablePublicKey: return "the peer's key exchange public key was refused"
        case let .frameTooLarge(n, limit): return "frame of \(n) bytes exceeds the \(limit)-byte limit"
        case .badStreamHeader: return "invalid encrypted stream header"
        case .decryptionFailed: return "a frame failed to decrypt"
        case let .unexpectedTag(t): return "unexpected stream tag \(t)"
        case .notEstablished: return "the secure channel is not established"
        }
    }
}

/// A fresh X25519 key pair for one connection (`crypto_kx_keypair`); the secret half is wiped as
/// soon as the session keys exist.
final class EphemeralKeyPair {
    let publicKey: [UInt8]
    let secretKey: SecureBytes

    /// A random pair, or with `seed` a deterministic one (`crypto_kx_seed_keypair`, for
    /// known-answer tests only).
    init(seed: [UInt8]? = nil) throws {
        precondition(seed == nil || seed?.count == Int(crypto_kx_SEEDBYTES))
        let secret = try SecureBytes(connectionSecretCount: Int(crypto_kx_SECRETKEYBYTES))
        var pk = [UInt8](repeating: 0, count: Int(crypto_kx_PUBLICKEYBYTES))
        secret.withUnsafeMutableBytes { sk in
            _ = pk.withUnsafeMutableBufferPointer { p in
                let skp = sk.baseAddress!.assumingMemoryBound(to: UInt8.self)
                guard let seed else { return crypto_kx_keypair(p.baseAddress!, skp) }
                return seed.withUnsafeBufferPointer { crypto_kx_seed_keypair(p.baseAddress!, skp, $0.baseAddress!) }
            }
        }
        publicKey = pk
        secretKey = secret
    }
}

/// The two directional session keys of one connection, in guarded memory.
final class SessionKeys {
    /// Key of what we receive.
    let receive: SecureBytes
    /// Key of what we send.
    let transmit: SecureBytes
    let role: ConnectionRole

    init(receive: SecureBytes, transmit: SecureBytes, role: ConnectionRole) {
        self.receive = receive
        self.transmit = transmit
        self.role = role
    }

    /// The key of the initiator→responder direction.
    var initiatorToResponder: SecureBytes { role == .initiator ? transmit : receive }
    /// The key of the responder→initiator direction.
    var responderToInitiator: SecureBytes { role == .initiator ? receive : transmit }

    func wipe() {
        if !receive.isWiped { receive.wipe() }
        if !transmit.isWiped { transmit.wipe() }
    }

    /// `crypto_kx_client_session_keys` for the initiator, `crypto_kx_server_session_keys` for the
    /// responder; refuses the −1 result (a small-order or otherwise unacceptable remote key).
    static func derive(role: ConnectionRole, local: EphemeralKeyPair, remotePublicKey: [UInt8]) throws -> SessionKeys {
        guard remotePublicKey.count == Int(crypto_kx_PUBLICKEYBYTES), remotePublicKey != local.publicKey else {
            throw SecureChannelError.unacceptablePublicKey
        }
        let rx = try SecureBytes(connectionSecretCount: Int(crypto_kx_SESSIONKEYBYTES))
        let tx = try SecureBytes(connectionSecretCount: Int(crypto_kx_SESSIONKEYBYTES))
        let rc = rx.withUnsafeMutableBytes { r in
            tx.withUnsafeMutableBytes { t in
                local.secretKey.withUnsafeBytes { sk in
                    local.publicKey.withUnsafeBufferPointer { pk in
                        remotePublicKey.withUnsafeBufferPointer { remote in
                            let rxp = r.baseAddress!.assumingMemoryBound(to: UInt8.self)
                            let txp = t.baseAddress!.assumingMemoryBound(to: UInt8.self)
                            let skp = sk.baseAddress!.assumingMemoryBound(to: UInt8.self)
                            return role == .initiator
                                ? crypto_kx_client_session_keys(rxp, txp, pk.baseAddress!, skp, remote.baseAddress!)
                                : crypto_kx_server_session_keys(rxp, txp, pk.baseAddress!, skp, remote.baseAddress!)
                        }
                    }
                }
            }
        }
        guard rc == 0 else {
            rx.wipe()
            tx.wipe()
            throw SecureChannelError.unacceptablePublicKey
        }
        return SessionKeys(receive: rx, transmit: tx, role: role)
    }
}

/// The cleartext handshake message: `"HYPH" ‖ u8 version ‖ X25519 public key (32)`.
enum Hello {
    static func encode(publicKey: [UInt8]) -> [UInt8] {
        WireLimits.handshakeMagic + [WireLimits.handshakeVersion] + publicKey
    }

    /// The remote public key.
    static func parse<C: Collection>(_ bytes: C) throws -> [UInt8] where C.Element == UInt8 {
        let bytes = Array(bytes)
        guard bytes.count == WireLimits.helloLength, Array(bytes[0..<4]) == WireLimits.handshakeMagic else {
            throw SecureChannelError.badHello
        }
        guard bytes[4] == WireLimits.handshakeVersion else { throw SecureChannelError.unsupportedHandshakeVersion(bytes[4]) }
        return Array(bytes[5...])
    }
}
