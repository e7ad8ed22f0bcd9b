import Dispatch
import Foundation
import HyphaEngine
import Logging
import Synchronization

/// Runs a node in the foreground for `serve` and `join`: starts it (with every database the
/// data directory serves), prints its events (text or JSON Lines), and stops it cleanly on
/// SIGINT or SIGTERM.
enum NodeRunner {
    static func run(_ host: NodeHost, json: Bool, onEvent: @escaping @Sendable (NodeEvent) -> Void = { _ in },
                    afterStart: @escaping @Sendable () throws -> Void = {}) -> Never {
        let alwaysOn = host.current.config.role == .alwaysOn
        host.current.observe { event in
            EventPrinter.print(event, json: json, alwaysOn: alwaysOn)
            onEvent(event)
        }
        for signalNumber in [SIGINT, SIGTERM] {
            signal(signalNumber, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: signalNumber, queue: .main)
            source.setEventHandler {
                Task.detached {
                    await host.stop()
                    EventPrinter.emit(json: json, text: "stopped", object: ["event": "stopped"])
                    exit(0)
                }
            }
            source.resume()
            SignalSources.keep(source)
        }
        Task.detached {
            do {
                try await host.start()
                try afterStart()
            } catch {
                _ = CommandLineMain.report(error)
                await host.stop()
                exit(1)
            }
        }
        dispatchMain()
    }
}

/// Keeps signal sources alive for the life of the process.
enum SignalSources {
    nonisolated(unsafe) private static var sources: [DispatchSourceSignal] = []
    static func keep(_ source: DispatchSourceSignal) { sources.append(source) }   // main thread, before dispatchMain
}

/// How `serve` and `join` report what happens: one line each, text for people or JSON for scripts.
enum EventPrinter {
    /// Events arrive on the node's queue; the lock makes that assumption unnecessary.
    private static let inSync = Mutex(InSyncReports())

    static func print(_ event: NodeEvent, json: Bool, alwaysOn: Bool = false) {
        switch event {
        case let .listening(address):
            emit(json: json, text: "listening on \(address) (TCP and ws://\(address)/hypha)", object: ["event": "listening", "address": address])
        case let .peerConnected(peer):
            emit(json: json, text: "connected \(peer.direction.rawValue) \(peer.address) over \(peer.transport.rawValue): node \(Sanitise.forTerminal(peer.nodeName))\(peer.flags.contains(.alwaysOn) ? " (always-on)" : "")",
                 object: ["event": "connected", "address": peer.address, "transport": peer.transport.rawValue,
                          "node": peer.nodeName, "alwaysOn": peer.flags.contains(.alwaysOn)])
        case let .peerDisconnected(address, reason):
            inSync.withLock { $0.disconnected(address) }
            emit(json: json, text: "disconnected \(address): \(Sanitise.forTerminal(reason, limit: 200))",
                 object: ["event": "disconnected", "address": address, "reason": reason])
        case let .connectFailed(address, reason, retry):
            emit(json: json, text: "cannot connect to \(address): \(Sanitise.forTerminal(reason, limit: 200)); retrying in \(String(format: "%.1f", retry)) s",
                 object: ["event": "connectFailed", "address": address, "reason": reason, "retryInSeconds": retry])
        case let .syncProgress(peer, remaining):
            // Text says "in sync" once each time a peer catches up, not after every live write;
            // scripts (JSON) get every event.
            let caughtUp = inSync.withLock { $0.report(peer: peer, remaining: remaining) }
            if remaining == 0 && (json || caughtUp) { emit(json: json, text: "in sync with \(peer)", object: ["event": "synced", "peer": peer]) }
        case let .databaseChanged(change):
            guard json, !change.heads.isEmpty else { return }
            for head in change.heads {
                emit(json: true, text: "", object: ["event": "log", "writer": head.writer.hex, "length": head.signed.length])
            }
        case let .authorisationRequested(record):
            emit(json: json,
                 text: "authorisation request from node \(record.displayName) (key \(record.deviceKey.shortHex)), code \(record.code.formatted): hypha authorise \(record.requestID.hex.prefix(8)) or hypha deny \(record.requestID.hex.prefix(8))",
                 object: ["event": "request", "id": record.requestID.hex, "node": record.nodeName, "code": record.code.formatted,
                          "key": record.deviceKey.hex])
        case .requestsChanged:
            break
        case let .joinStatus(status):
            switch status.state {
            case .waiting:
                let code = status.code?.formatted ?? "?"
                emit(json: json, text: "waiting for approval: verification code \(code) (check the same code on the approving node)",
                     object: ["event": "join", "state": "waiting", "code": code])
            case .authorised:
                emit(json: json, text: "authorised: this node can now write", object: ["event": "join", "state": "authorised"])
            case let .denied(reason):
                emit(json: json, text: "denied: \(Sanitise.forTerminal(reason, limit: 200)); this node stays read-only (run hypha join again to ask with a new code)", object: ["event": "join", "state": "denied", "reason": reason])
            case .cancelled:
                break
            }
        case let .ephemeralReceived(id, type):
            if json { emit(json: true, text: "", object: ["event": "ephemeral", "id": id, "type": type]) }
        case let .notice(text):
            emit(json: json, text: Sanitise.forTerminal(text, limit: 300), object: ["event": "notice", "message": text])
        case let .succession(status):
            emit(json: json, text: SuccessionText.line(status, alwaysOn: alwaysOn), object: ["event": "succession", "conflicting": status.isConflicting,
                                                  "successors": status.candidates.map { $0.successor.hex }])
        }
    }

    static func emit(json: Bool, text: String, object: [String: Any]) {
        if json {
            try? Output.json(object)
        } else {
            Output.line(text)
        }
    }
}

/// How the command line tells a succession (serve, join, nodes).
enum SuccessionText {
    /// An always-on node holds no passphrase: there the person chooses by the successor's id.
    static func line(_ status: SuccessionStatus, alwaysOn: Bool = false) -> String {
        if alwaysOn && status.isConflicting {
            let candidates = status.candidates.map { "\($0.successor.hex) (\($0.day), from \(Sanitise.forTerminal($0.by)))" }
            return "conflicting successions: this database may be compromised (\(candidates.joined(separator: "; "))): serve yours with `hypha follow --database ID`, the id your `hypha rekey` printed"
        }
        let candidates = status.candidates.map { "\($0.successor.shortHex)… (\($0.day), from \(Sanitise.forTerminal($0.by)))" }
        return status.isConflicting
            ? "conflicting successions: this database may be compromised (\(candidates.joined(separator: "; "))): follow the one whose passphrase is yours with `hypha follow`"
            : "this database moved to a new passphrase on \(status.candidates[0].day) (from \(Sanitise.forTerminal(status.candidates[0].by))): follow it with `hypha follow`"
    }
}

/// Which peers were last reported in sync: a peer is reported once each time it catches up
/// (from behind, or after connecting), not after every live write that leaves it in sync.
struct InSyncReports {
    private var peers: Set<String> = []

    /// Whether "in sync with `peer`" is news.
    mutating func report(peer: String, remaining: UInt64) -> Bool {
        guard remaining == 0 else {
            peers.remove(peer)
            return false
        }
        return peers.insert(peer).inserted
    }

    mutating func disconnected(_ peer: String) { peers.remove(peer) }
}
