import ArgumentParser
import Foundation
import HyphaEngine
import NIOCore

/// `--listen` and `--peer`, shared by the commands that run a node.
struct NetworkOptions: ParsableArguments {
    @Option(name: .customLong("listen"), help: ArgumentHelp(
        "Where to accept peers (TCP and WebSocket on one port).",
        discussion: "host:port; default 0.0.0.0:\(WireLimits.defaultPort), or the node's saved address. Port 0 picks a free port.",
        valueName: "addr"))
    var listen: String?

    @Option(name: .customLong("peer"), parsing: .singleValue, help: ArgumentHelp(
        "A peer to connect to (repeatable): host:port for TCP, ws://host:port for WebSocket. Saved in the node's config.",
        valueName: "addr"))
    var peers: [String] = []

    func listenAddress(config: NodeConfig, default fallback: String?) throws -> ListenAddress? {
        guard let text = listen ?? config.listen ?? fallback else { return nil }
        return try ListenAddress(parsing: text)
    }

    /// The given peers plus the saved ones; the given ones are saved for next time.
    func peerAddresses(directory: DataDirectory, config: inout NodeConfig) throws -> [PeerAddress] {
        try Self.peerAddresses(peers, directory: directory, config: &config)
    }

    /// `peers` given on the command line plus the saved ones; the given ones are saved.
    static func peerAddresses(_ peers: [String], directory: DataDirectory, config: inout NodeConfig) throws -> [PeerAddress] {
        let given = try peers.map { try PeerAddress(parsing: $0) }
        let new = peers.filter { !config.peers.contains($0) }
        if !new.isEmpty {
            config.peers += new
            try directory.save(config)
        }
        var all: [PeerAddress] = []
        for address in try config.peers.map({ try PeerAddress(parsing: $0) }) + given where !all.contains(address) {
            all.append(address)
        }
        return all
    }
}

extension NodeRuntime.Options {
    /// The runtime options of a node started from the command line.
    static func command(config: NodeConfig, listen: ListenAddress?, peers: [PeerAddress], writable: Bool) -> NodeRuntime.Options {
        var flags: PeerFlags = []
        if config.role == .alwaysOn { flags.insert(.alwaysOn) }
        if writable { flags.insert(.writable) }
        var options = NodeRuntime.Options(listen: listen, peers: peers, network: NetworkConfiguration(nodeName: config.nodeName, flags: flags))
        // A listening node may be flooded with connections: accept and handshake on every core (up to 4).
        if listen != nil { options.network.eventLoopThreads = min(max(1, System.coreCount), 4) }
        // Tests shorten the joiner's re-send interval (default 3 s).
        if let ms = ProcessInfo.processInfo.environment["HYPHA_JOIN_RESEND_MS"].flatMap(UInt64.init), ms > 0 {
            options.joinResendMilliseconds = ms
        }
        // Tests shorten how long bytes may wait for a peer that does not read (default 30 s).
        if let ms = ProcessInfo.processInfo.environment["HYPHA_STALLED_PEER_MS"].flatMap(Int64.init), ms > 0 {
            options.network.stalledPeerTimeout = .milliseconds(ms)
        }
        return options
    }
}
