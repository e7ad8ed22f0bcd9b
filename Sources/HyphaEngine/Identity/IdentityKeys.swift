import Dispatch

/// A node's device id: random, non-zero, stored in its config, never reused. A node whose local
/// store is lost gets a new one, so a device log is never forked by a re-install.
public struct DeviceID: Hashable, Sendable, Codable, CustomStringConvertible {
    public let value: UInt64

    public init?(_ value: UInt64) {
        guard value != 0 else { return nil }
        self.value = value
    }

    public static func random() throws -> DeviceID {
        try Sodium.ensureInitialised()
        while true {
            let bytes = Sodium.randomBytes(8)
            let value = bytes.enumerated().reduce(UInt64(0)) { $0 | UInt64($1.element) << (8 * UInt64($1.offset)) }
            if let id = DeviceID(value) { return id }
        }
    }

    public var description: String { String(value, radix: 16) }
}

/// Everything derived from (passphrase, domain): the database root key pair (its public key is
/// the database id), the ephemeral-channel key, the data key and, given a device id, the
/// device's signing key pair. `M` itself is wiped before this value exists.
public final class IdentityKeys: @unchecked Sendable {
    public let domain: String
    public let root: SigningKeyPair
    public let channelKey: SecureBytes
    public let dataKey: SecureBytes
    public let device: SigningKeyPair?
    public let deviceID: DeviceID?

    public var databaseID: DatabaseID { root.publicKey }

    init(domain: String, root: SigningKeyPair, channelKey: SecureBytes, dataKey: SecureBytes,
         device: SigningKeyPair?, deviceID: DeviceID?) {
        self.domain = domain
        self.root = root
        self.channelKey = channelKey
        self.dataKey = dataKey
        self.device = device
        self.deviceID = deviceID
    }

    /// Zeroes every secret (on lock and exit).
    public func wipe() {
        root.wipe()
        channelKey.wipe()
        dataKey.wipe()
        device?.wipe()
    }

    public var isWiped: Bool { root.isWiped }
}

/// Derives identities from typed passphrases. Input problems are reported before the slow
/// Argon2id step starts.
public enum Identity {
    /// Canonicalises `passphrase` and `domain`, runs key derivation v1 and returns every key.
    /// Synchronous and slow (~0.4 s): use `derive(...completion:)` or the async form from UIs.
    public static func derive(passphrase: SecureBytes, domain: String, deviceID: DeviceID? = nil,
                              minimumWords: Int = Passphrase.minimumWords) throws -> IdentityKeys {
        let canonicalDomain = try Domain.canonicalise(domain)
        let canonical = try Passphrase.canonicalise(passphrase, minimumWords: minimumWords)
        defer { canonical.wipe() }
        let master = try KeyDerivationV1.master(canonicalPassphrase: canonical,
                                                salt: KeyDerivationV1.salt(canonicalDomain: canonicalDomain))
        defer { master.wipe() }
        return try keys(fromMaster: master, domain: canonicalDomain, deviceID: deviceID)
    }

    /// The subkeys of an already derived master key `M`.
    public static func keys(fromMaster master: SecureBytes, domain: String, deviceID: DeviceID?) throws -> IdentityKeys {
        let rootSeed = try KeyDerivationV1.subkey(of: master, id: 1, context: .root)
        defer { rootSeed.wipe() }
        let root = try SigningKeyPair(seed: rootSeed)
        let channel = try KeyDerivationV1.subkey(of: master, id: 1, context: .channel)
        let data = try KeyDerivationV1.subkey(of: master, id: 1, context: .data)
        var device: SigningKeyPair?
        if let deviceID {
            let seed = try KeyDerivationV1.subkey(of: master, id: deviceID.value, context: .deviceSigning)
            defer { seed.wipe() }
            device = try SigningKeyPair(seed: seed)
        }
        return IdentityKeys(domain: domain, root: root, channelKey: channel, dataKey: data, device: device, deviceID: deviceID)
    }

    private static let derivationQueue = DispatchQueue(label: "hypha.key-derivation", qos: .userInitiated)

    /// Derives off the caller's thread and reports completion on `deliver` (default: the
    /// derivation queue itself). The UI shows progress meanwhile.
    public static func derive(passphrase: SecureBytes, domain: String, deviceID: DeviceID? = nil,
                              minimumWords: Int = Passphrase.minimumWords,
                              deliver: DispatchQueue? = nil,
                              completion: @escaping @Sendable (Result<IdentityKeys, any Error>) -> Void) {
        derivationQueue.async {
            let result = Result { try derive(passphrase: passphrase, domain: domain, deviceID: deviceID, minimumWords: minimumWords) }
            if let deliver { deliver.async { completion(result) } } else { completion(result) }
        }
    }

    /// Async form of `derive`, running on the derivation queue.
    public static func derive(passphrase: SecureBytes, domain: String, deviceID: DeviceID? = nil,
                              minimumWords: Int = Passphrase.minimumWords) async throws -> IdentityKeys {
        try await withCheckedThrowingContinuation { continuation in
            derive(passphrase: passphrase, domain: domain, deviceID: deviceID, minimumWords: minimumWords) {
                continuation.resume(with: $0)
            }
        }
    }
}
