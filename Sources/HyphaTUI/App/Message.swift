import HyphaEngine
import Widgets

/// Everything that can change the model: keys, the terminal, the clock, and results of
/// commands or engine events. All are values, delivered on the main queue.
enum Message: Sendable, Equatable {
    case key(Key)
    case resize(Size)
    /// The clock (monotonic seconds): spinners, idle lock, notice expiry.
    case tick(now: Double)

    // Node lifecycle
    case nodeMissing
    case nodeOpened(NodeSummary)
    case nodeFailed(String)
    case unlocked(UnlockedNode)
    case unlockFailed(String)
    case passphraseGenerated(words: [String], confirm: [Int])
    case passphraseGenerationFailed(String)
    case nodeCreated(UnlockedNode)
    case createFailed(String)
    case joinStarted(UnlockedNode)
    case joinFailed(String)
    /// The join was undone (Esc on the waiting screen); `failure` when the files stayed.
    case joinAbandoned(failure: String?)
    case locked

    // Data
    case pageLoaded(PageResult)
    case counted(generation: Int, prefix: String, count: Int)
    case keysScanned(KeyScan)
    case entryLoaded(key: String, detail: EntryDetail?)
    /// The history of `key`, oldest first (empty with `failure` when it could not be read).
    case historyLoaded(key: String, versions: [HistoryVersion], failure: String? = nil)
    case deletedLoaded(DeletedStep)
    case searched(SearchStep)
    /// The writers; `revocation` is set when this device was revoked.
    case nodesLoaded([NodeRow], writable: Bool, revocation: Revocation? = nil)
    case peersLoaded([PeerRow], listen: String?)
    case requestsLoaded([RequestRow])
    /// Request `id` is no longer pending (answer of `checkRequest`).
    case requestClosed(id: String, RequestOutcome)
    /// This database's data was deleted from the device (nil), or why not.
    case localDataRemoved(failure: String?)
    /// The database changed (a write here, blocks from a peer or another process).
    case databaseChanged(membership: Bool)
    case backend(BackendEvent)
    /// What this database knows of its succession (nil: it has not moved).
    case successionLoaded(SuccessionNews?)
    /// A change of passphrase or a follow is under way.
    case successionProgress(SuccessionStep)
    /// A change of passphrase or a follow did not happen: why, in one line. The node runs on
    /// the database it had.
    case successionFailed(String)
    /// The node now runs on the successor database (after a change of passphrase or a follow):
    /// the main screen starts again on it, with `notice`.
    case movedToSuccessor(UnlockedNode, notice: String)
    /// A write or backend action finished.
    case actionDone(ActionResult)
    /// Something failed that no screen waits for (a read error): shown briefly.
    case failed(String)
}

/// A node as the app shows it before and after unlocking (nothing secret).
struct NodeSummary: Sendable, Equatable {
    var databaseID: String
    var domain: String?
    var nodeName: String
    var isAlwaysOn: Bool
    /// Seconds without a key press before the keys are wiped.
    var lockAfter: Double
    /// The database holds nothing at all: a join whose peer never sent anything (a wrong
    /// passphrase or domain, an unreachable peer). Such a directory may be started over.
    var neverSynced = false

    var shortID: String { String(databaseID.prefix(8)) }
}

/// An unlocked node: its summary, this node's device key and whether it may write.
struct UnlockedNode: Sendable, Equatable {
    var summary: NodeSummary
    var deviceKey: String
    var writable: Bool
}

/// A page of the entries list, as loaded for one index generation.
struct PageResult: Sendable, Equatable {
    var generation: Int
    var page: Int
    /// The key the page starts after (nil for the first page): a page whose anchor changed
    /// meanwhile is dropped.
    var after: String?
    var rows: [EntrySummary]
}

/// One step of the background scan that finds the first key of every page (keyset
/// pagination over any number of keys without OFFSET).
struct KeyScan: Sendable, Equatable {
    var generation: Int
    var scanGeneration: Int
    /// Last keys of the full pages completed in this step.
    var anchors: [String]
    var lastKey: String?
    /// Keys scanned so far, this step included.
    var scanned: Int
    var done: Bool
}

/// A writer (or a pending request) as the nodes pane shows it.
struct NodeRow: Sendable, Equatable {
    enum Status: String, Sendable {
        case authorised, pending, revoked, unknown
    }

    var name: String
    /// Device key (hex); the request id for a pending row.
    var key: String
    var status: Status
    var isThisNode: Bool
    /// For pending rows: the request they answer.
    var requestID: String?
    /// Where the writer's log forked (a copy of its data directory wrote too), if it did.
    var forkedAt: UInt64? = nil
    /// Who added it (a node name, sanitised, or a short key); nil for the first node.
    var addedBy: String? = nil
}

/// This device was revoked: by whom (a node name, sanitised) and on which day (UTC).
struct Revocation: Sendable, Equatable {
    var by: String
    var on: String
}

/// The outcome of a write or backend action.
struct ActionResult: Sendable, Equatable {
    enum Kind: Sendable, Equatable {
        case saved(key: String)
        case deleted(key: String)
        case resolved(key: String)
        case authorised(requestID: String, name: String)
        case denied(requestID: String, name: String)
        case revoked(name: String)
        /// A version from the history was written again (`deletion`: it was a deletion).
        case restored(key: String, version: String, deletion: Bool)
    }

    var kind: Kind
    /// nil on success; the reason otherwise.
    var failure: String?
}
