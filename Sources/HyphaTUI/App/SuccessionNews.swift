import HyphaEngine

/// What the app shows of a succession this database knows (a new passphrase): plain values,
/// every string from the network already sanitised for the terminal.
struct SuccessionNews: Sendable, Equatable {
    struct Candidate: Sendable, Equatable {
        /// The successor's database id (hex).
        var databaseID: String
        var domain: String
        /// When it was made, "YYYY-MM-DD" (UTC).
        var day: String
        /// The node that made it (a name from the network, sanitised).
        var by: String

        var shortID: String { String(databaseID.prefix(8)) }
    }

    var candidates: [Candidate]

    /// Two or more successions: someone else holding the old passphrase made one too.
    var isConflicting: Bool { candidates.count > 1 }

    init(candidates: [Candidate]) {
        self.candidates = candidates
    }

    init(_ status: SuccessionStatus) {
        candidates = status.candidates.map {
            Candidate(databaseID: $0.successor.hex, domain: Sanitise.forTerminal($0.domain, limit: 80),
                      day: Sanitise.forTerminal($0.day, limit: 10), by: Sanitise.forTerminal($0.by, limit: 40))
        }
    }

    /// nil when the database has not moved.
    static func from(_ status: SuccessionStatus) -> SuccessionNews? {
        status.candidates.isEmpty ? nil : SuccessionNews(status)
    }
}

/// Where a change of passphrase or a follow stands.
enum SuccessionStep: Sendable, Equatable {
    /// Argon2id with the new passphrase (~0.5 s; once per domain when following).
    case derivingKeys
    /// The successor is made from this database's state (change of passphrase): versions copied
    /// so far, of how many (0 of 0 until the first batch is written).
    case copying(copied: Int, of: Int)
    /// The successor's copied state is fetched from the peers (following): blocks so far.
    case fetching(have: UInt64, of: UInt64)
    /// The node opens again, on the successor.
    case reopening

    var text: String {
        switch self {
        case .derivingKeys: return "Deriving the new keys (Argon2id, 256 MiB)…"
        case let .copying(copied, of):
            return of == 0 ? "Making the new database from this one…"
                : "Making the new database from this one: \(EntryText.count(copied)) of \(EntryText.count(of)) versions"
        case let .fetching(have, of): return "fetching the successor: \(have) of \(of) blocks"
        case .reopening: return "Opening the new database…"
        }
    }
}
