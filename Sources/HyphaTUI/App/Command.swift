import HyphaEngine

/// What `update` asks the outside world to do. The effects runner executes commands off the
/// main queue (against the engine and the node backend) and posts the results back as
/// messages; `quit` is handled by the runtime itself.
enum Command: Sendable, Equatable {
    case openNode
    case unlock(passphrase: SecretText)
    case generatePassphrase
    case createNode(domain: String, name: String, passphrase: SecretText)
    case join(domain: String, passphrase: SecretText, peer: String, name: String)
    /// Esc on the join's waiting screen: stop the node and, when no peer ever sent it anything,
    /// delete the data directory's files, so it is not bound to a database nobody confirmed.
    case abandonJoin
    /// A data directory that never received anything from a peer (a join that did not finish)
    /// is emptied, back to the welcome screen.
    case startOver
    case loadPage(generation: Int, prefix: String, page: Int, after: String?)
    case count(generation: Int, prefix: String)
    case scanKeys(generation: Int, scanGeneration: Int, prefix: String, after: String?, scanned: Int)
    case loadEntry(String)
    /// Every version of a key ever written (the history view).
    case loadHistory(String)
    /// A chunk of the keys whose every version is deleted, after `after` (the "show deleted" list).
    case loadDeleted(generation: Int, after: String?)
    /// Searches the entries after `after` (a chunk) for keys and values containing `query`.
    case search(generation: Int, query: String, after: String?, scanned: Int)
    case loadNodes
    case loadPeers
    case loadRequests
    /// Asks what became of a request that left the pending list (its alert may be open).
    case checkRequest(id: String)
    case write([Change], ActionResult.Kind)
    /// `name` is the requester's (sanitised), for the messages.
    case authorise(requestID: String, name: String)
    case deny(requestID: String, name: String)
    case revoke(writer: String, name: String)
    /// Deletes this database's data from the device (only after it was revoked).
    case removeLocalData
    /// What this database knows of its succession (answered with `successionLoaded`).
    case loadSuccession
    /// Changes the passphrase: derives the new keys (with `domain`), makes the successor from
    /// this database's state (`NodeSuccession.rekey`) and opens the node on it.
    case changePassphrase(domain: String, passphrase: SecretText)
    /// Follows this database's succession with the new passphrase (`NodeSuccession.follow`,
    /// from the configured peers) and opens the node on the successor.
    case follow(passphrase: SecretText)
    /// Stops a follow that is still fetching the successor. Not queued: it reaches the running
    /// follow at once.
    case cancelFollow
    /// Wipes the keys and forgets decrypted data (idle lock).
    case lock
    case quit
}

/// Secret text typed by the person, on its way from a text field to guarded memory. The
/// effects runner copies it into `SecureBytes` and zeroes this copy at once.
///
/// @unchecked Sendable: the bytes are written once at creation, then read and zeroed by the
/// single effects queue that receives the command.
final class SecretText: @unchecked Sendable, Equatable, CustomStringConvertible {
    private var bytes: [UInt8]

    init(_ bytes: [UInt8]) { self.bytes = bytes }

    /// Moves the bytes into guarded memory and zeroes them here.
    func take() throws -> SecureBytes {
        defer { wipe() }
        return try SecureBytes(copying: bytes)
    }

    func wipe() {
        for i in bytes.indices { bytes[i] = 0 }
        bytes = []
    }

    var isEmpty: Bool { bytes.isEmpty }

    var description: String { "SecretText(redacted)" }

    static func == (a: SecretText, b: SecretText) -> Bool { a === b }
}
