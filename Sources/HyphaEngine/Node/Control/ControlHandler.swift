import Dispatch
import Foundation

/// Carries out control-socket requests on the running node: its database (unlocked or not: a
/// request that needs the keys while the node is locked is refused with "locked") and its
/// runtime (approvals go out at once, writes are pushed to peers at once).
struct ControlHandler: Sendable {
    let runtime: NodeRuntime
    var database: HyphaDatabase { runtime.database }

    func handle(_ request: ControlRequest) -> ControlResponse {
        do {
            return try perform(request)
        } catch let error as NodeError {
            return .failure(error.description, code: Self.code(error))
        } catch let error as UserFacingError {
            return .failure(error.description)
        } catch {
            return .failure(StorageFailure.from(error, directory: database.directory ?? "the data directory")?.description
                            ?? "the node could not do it: \(error)")
        }
    }

    private func perform(_ request: ControlRequest) throws -> ControlResponse {
        if runtime.config.role == .alwaysOn, ![.status, .watch].contains(request.op) {
            return .failure("this is an always-on node: it holds no keys and cannot read or write", code: "always-on")
        }
        switch request.op {
        case .status:
            return ControlResponse(ok: true, status: ControlStatus(database: database.databaseID.hex, node: runtime.config.nodeName,
                                                                   pid: getpid(), locked: !database.isUnlocked,
                                                                   alwaysOn: runtime.config.role == .alwaysOn))
        case .get:
            guard let key = request.key else { return .failure("get needs a key") }
            guard let entry = try database.entry(key), !entry.isDeleted else { throw NodeError.noSuchEntry(key) }
            return ControlResponse(ok: true, entry: ControlEntry(entry))
        case .list:
            let limit = min(max(request.limit ?? 1000, 1), 10_000)
            let entries = try database.list(prefix: request.prefix ?? "", after: request.after, limit: limit, values: request.values ?? true)
            return ControlResponse(ok: true, entries: entries.map(ControlSummary.init))
        case .write:
            let changes = try (request.changes ?? []).map(change)
            let head = try database.write(changes)
            return ControlResponse(ok: true, done: "wrote \(changes.count) change\(changes.count == 1 ? "" : "s") (log \(head.writer.shortHex) at \(head.signed.length))")
        case .authorise:
            let requests = database.authorisationRequests()
            let id = try requests.resolve(request.request ?? "")
            let code = try request.code.map { text -> VerificationCode in
                guard let code = VerificationCode(parsing: text) else { throw EphemeralError.invalidCode(text) }
                return code
            }
            let record = try runtime.authorise(id, code: code)
            return ControlResponse(ok: true, done: "authorised node \(record.displayName) (key \(record.deviceKey.shortHex), code \(record.code.formatted))")
        case .deny:
            let requests = database.authorisationRequests()
            let id = try requests.resolve(request.request ?? "")
            let record = try runtime.deny(id, reason: request.reason ?? "denied")
            return ControlResponse(ok: true, done: "denied node \(record.displayName) (code \(record.code.formatted))")
        case .revoke:
            let writer = try database.findWriter(request.node ?? "")
            let (_, cutoff) = try database.revoke(writer: writer.key)
            return ControlResponse(ok: true, done: "revoked \(Sanitise.forTerminal(writer.name ?? writer.key.shortHex)): its first \(cutoff) entries stay, nothing later counts")
        case .watch:
            return .failure("watch is a stream")
        }
    }

    private func change(_ change: ControlChange) throws -> Change {
        let writers = change.replaces == nil ? [] : try database.writers().map(\.key)
        let replaces = try change.replaces.map { try $0.map { try VersionID.parse($0, writers: writers) } }
        guard let encoded = change.value else { return .delete(key: change.key, replaces: replaces) }
        guard let value = Data(base64Encoded: encoded) else { throw NodeError.invalidKey("the value is not base64") }
        return .put(key: change.key, value: [UInt8](value), replaces: replaces)
    }

    /// Streams every change of keys under `request.prefix` as it happens, one entry per line,
    /// until the client goes away.
    func watch(_ request: ControlRequest, fd: Int32, reader: inout LineReader) {
        guard database.isUnlocked else {
            ControlSocket.writeLine(fd, ControlServer.encode(.failure(NodeError.locked.description, code: "locked")))
            return
        }
        guard ControlSocket.writeLine(fd, ControlServer.encode(.success())) else { return }
        let prefix = request.prefix ?? ""
        let queue = DispatchQueue(label: "hypha.control.watch")
        let database = self.database
        let observer = runtime.observe { event in
            guard case let .databaseChanged(change) = event, change.viewChanged else { return }
            queue.async {
                guard let keys = change.keys else {
                    ControlSocket.writeLine(fd, ControlServer.encode(ControlResponse(ok: true, done: "the view was rebuilt: any key may have changed")))
                    return
                }
                var seen: Set<String> = []
                for key in keys where key.hasPrefix(prefix) && seen.insert(key).inserted {
                    let entry = (try? database.entry(key)).flatMap { $0 }.map(ControlEntry.init) ?? ControlEntry(key: key, versions: [])
                    ControlSocket.writeLine(fd, ControlServer.encode(ControlResponse(ok: true, entry: entry)))
                }
            }
        }
        while reader.next() != nil {}   // until the client closes
        runtime.removeObserver(observer)
        queue.sync {}                   // nothing writes to the socket once it is closed
    }

    static func code(_ error: NodeError) -> String? {
        switch error {
        case .locked: return "locked"
        case .noSuchEntry: return "no-entry"
        case .notWritable: return "read-only"
        case .revoked: return "revoked"
        default: return nil
        }
    }
}
