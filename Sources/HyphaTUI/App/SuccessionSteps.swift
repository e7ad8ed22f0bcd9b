import Foundation
import HyphaEngine

/// The parts of changing the passphrase and following a succession that hold no state: the
/// checks made before the node stops, key derivation, the peers to follow from, the lines
/// shown. The effects runner calls them on its queue and owns everything they touch.
enum SuccessionSteps {
    /// How long a follow waits for the successor's state from the peers (Esc stops it sooner).
    static let followTimeout: Duration = .seconds(300)

    /// Only an authorised writer of a database that has not moved makes its successor (the
    /// engine checks again; checking first keeps the node running when it refuses).
    static func checkMayRekey(_ database: HyphaDatabase, keys: IdentityKeys) throws {
        if let moved = try database.successionStatus().candidates.first {
            throw NodeError.moved(to: moved.successor.shortHex, on: moved.day, by: Sanitise.forTerminal(moved.by, limit: 40))
        }
        guard let device = keys.device?.publicKey, try database.status(of: device) == .authorised else {
            throw BackendError(description: "only an authorised writer can change the passphrase: this node is read-only")
        }
    }

    /// The keys of a new passphrase (generated, so already canonical) with `domain`.
    static func deriveNewKeys(_ secret: SecretText, domain: String, device: DeviceID?, current: DatabaseID) throws -> IdentityKeys {
        let passphrase = try secret.take()
        defer { passphrase.wipe() }
        let keys = try Identity.derive(passphrase: passphrase, domain: domain, deviceID: device)
        guard keys.databaseID != current else {
            keys.wipe()
            throw BackendError(description: "the new passphrase and domain derive this same database: choose another passphrase")
        }
        return keys
    }

    /// The keys of the successor the typed passphrase belongs to (shared with `hypha follow`).
    static func successorKeys(_ secret: SecretText, status: SuccessionStatus, device: DeviceID?) throws -> IdentityKeys {
        let passphrase = try secret.take()
        defer { passphrase.wipe() }
        return try NodeSuccession.successorKeys(status: status, passphrase: passphrase, device: device)
    }

    /// The peers a follow fetches the successor from: the saved ones, which include the one
    /// given with --peer (the backend saves it when it starts).
    static func followPeers(saved config: NodeConfig) -> (peers: [PeerAddress], network: NetworkConfiguration) {
        var peers: [PeerAddress] = []
        for text in config.peers {
            if let peer = try? PeerAddress(parsing: text), !peers.contains(peer) { peers.append(peer) }
        }
        return (peers, NodeRuntime.Options.command(config: config, listen: nil, peers: peers, writable: false).network)
    }

    /// The notices once the node runs on the successor (one 80-column line each).
    static func rekeyed(_ successor: DatabaseID, from old: DatabaseID) -> String {
        "Passphrase changed: the database is now \(successor.shortHex)… (\(old.shortHex)… kept read-only)."
    }

    static func followed(_ successor: DatabaseID, carried: Int) -> String {
        "Following database \(successor.shortHex)… (writable); \(carried) late write\(carried == 1 ? "" : "s") carried over."
    }

    /// One line for a failed succession; never repeats the passphrase.
    static func describe(_ error: any Error) -> String {
        switch error {
        case is CancellationError:
            return "Stopped: this node still uses the old database (F to follow later)."
        case is InputError:
            return UnlockScreen.describe(error)   // never names a word of the passphrase
        default:
            return EffectsRunner.describe(error)
        }
    }
}
