/// A peer to dial: `host:port` (raw TCP, also `tcp://host:port`) or `ws://host:port[/path]`
/// (WebSocket, path `/hypha` by default). The port defaults to 4815; IPv6 hosts go in brackets.
public struct PeerAddress: Hashable, Sendable, CustomStringConvertible {
    public let transport: TransportKind
    public let host: String
    public let port: Int
    /// The HTTP path of a WebSocket address; empty for TCP.
    public let path: String

    public init(transport: TransportKind, host: String, port: Int, path: String = WireLimits.webSocketPath) {
        self.transport = transport
        self.host = host
        self.port = port
        self.path = transport == .websocket ? path : ""
    }

    public init(parsing text: String) throws {
        let trimmed = text.trimmingASCIIWhitespace
        guard !trimmed.isEmpty else { throw NetworkAddressError.empty }
        guard !trimmed.unicodeScalars.contains(where: { $0.value <= 0x20 || $0.value >= 0x7F }) else {
            throw NetworkAddressError.invalidCharacters(text)
        }
        var rest = Substring(trimmed)
        var transport = TransportKind.tcp
        if let schemeEnd = rest.range(of: "://") {
            let scheme = rest[..<schemeEnd.lowerBound].lowercased()
            rest = rest[schemeEnd.upperBound...]
            switch scheme {
            case "tcp": transport = .tcp
            case "ws": transport = .websocket
            case "wss": throw NetworkAddressError.tlsUnsupported(trimmed)
            default: throw NetworkAddressError.unsupportedScheme(scheme)
            }
        }
        var path = ""
        if let slash = rest.firstIndex(of: "/") {
            path = String(rest[slash...])
            rest = rest[..<slash]
        }
        if transport == .tcp && !path.isEmpty { throw NetworkAddressError.unexpectedPath(trimmed) }
        if transport == .websocket && (path.isEmpty || path == "/") { path = WireLimits.webSocketPath }
        let (host, port) = try Self.hostAndPort(rest, original: trimmed, allowZeroPort: false)
        self.init(transport: transport, host: host, port: port ?? WireLimits.defaultPort, path: path)
    }

    public var description: String {
        let authority = "\(host.contains(":") ? "[\(host)]" : host):\(port)"
        return transport == .websocket ? "ws://\(authority)\(path)" : authority
    }

    /// Splits `host[:port]` / `[v6][:port]`, checking both parts.
    static func hostAndPort(_ authority: Substring, original: String, allowZeroPort: Bool) throws -> (String, Int?) {
        var host: Substring
        var portText: Substring?
        if authority.hasPrefix("[") {
            guard let close = authority.firstIndex(of: "]") else { throw NetworkAddressError.invalidHost(original) }
            host = authority[authority.index(after: authority.startIndex)..<close]
            let after = authority[authority.index(after: close)...]
            if !after.isEmpty {
                guard after.hasPrefix(":") else { throw NetworkAddressError.invalidHost(original) }
                portText = after.dropFirst()
            }
            guard !host.isEmpty, host.allSatisfy({ $0.isHexDigit || $0 == ":" || $0 == "." }) else {
                throw NetworkAddressError.invalidHost(original)
            }
        } else {
            let colons = authority.filter { $0 == ":" }.count
            if colons > 1 { throw NetworkAddressError.ipv6NeedsBrackets(original) }
            if let colon = authority.firstIndex(of: ":") {
                host = authority[..<colon]
                portText = authority[authority.index(after: colon)...]
            } else {
                host = authority
            }
            guard !host.isEmpty else { throw NetworkAddressError.missingHost(original) }
            guard host.count <= 253, host.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "." || $0 == "-" || $0 == "_") }) else {
                throw NetworkAddressError.invalidHost(original)
            }
        }
        guard let portText else { return (String(host), nil) }
        guard !portText.isEmpty, portText.count <= 5, portText.allSatisfy({ $0.isASCII && $0.isNumber }),
              let port = Int(portText), port <= 65535, port > 0 || allowZeroPort else {
            throw NetworkAddressError.invalidPort(String(portText))
        }
        return (String(host), port)
    }
}

/// Where to listen: `host:port`, `:port` or `[v6]:port` (port 0 picks a free one). The default is
/// every interface on port 4815.
public struct ListenAddress: Hashable, Sendable, CustomStringConvertible {
    public let host: String
    public let port: Int

    public static let `default` = ListenAddress(host: "0.0.0.0", port: WireLimits.defaultPort)

    public init(host: String, port: Int) {
        self.host = host
        self.port = port
    }

    public init(parsing text: String) throws {
        let trimmed = text.trimmingASCIIWhitespace
        guard !trimmed.isEmpty else { throw NetworkAddressError.empty }
        guard !trimmed.contains("://"), !trimmed.contains("/") else { throw NetworkAddressError.listenNeedsHostPort(trimmed) }
        if trimmed.hasPrefix(":") {
            let (_, port) = try PeerAddress.hostAndPort("0.0.0.0" + trimmed, original: trimmed, allowZeroPort: true)
            self.init(host: "0.0.0.0", port: port ?? WireLimits.defaultPort)
            return
        }
        let (host, port) = try PeerAddress.hostAndPort(Substring(trimmed), original: trimmed, allowZeroPort: true)
        self.init(host: host, port: port ?? WireLimits.defaultPort)
    }

    public var description: String { "\(host.contains(":") ? "[\(host)]" : host):\(port)" }
}

/// A peer or listen address that cannot be used, in one line.
public enum NetworkAddressError: UserFacingError, Equatable {
    case empty
    case invalidCharacters(String)
    case unsupportedScheme(String)
    case tlsUnsupported(String)
    case unexpectedPath(String)
    case missingHost(String)
    case invalidHost(String)
    case ipv6NeedsBrackets(String)
    case invalidPort(String)
    case listenNeedsHostPort(String)

    public var description: String {
        func shown(_ s: String) -> String { Sanitise.forTerminal(s, limit: 80) }
        switch self {
        case .empty: return "the peer address is empty; give host:port or ws://host:port"
        case let .invalidCharacters(s): return "the address '\(shown(s))' contains spaces or non-ASCII characters"
        case let .unsupportedScheme(s): return "unsupported address scheme '\(shown(s))://'; use host:port (TCP) or ws://host:port (WebSocket)"
        case let .tlsUnsupported(s): return "'\(shown(s))': wss:// (TLS) is not supported; connections are already encrypted, use ws://"
        case let .unexpectedPath(s): return "'\(shown(s))': a TCP address has no path; use ws://host:port/path for WebSocket"
        case let .missingHost(s): return "the address '\(shown(s))' has no host"
        case let .invalidHost(s): return "the address '\(shown(s))' has an invalid host"
        case let .ipv6NeedsBrackets(s): return "'\(shown(s))': put IPv6 addresses in brackets, e.g. [::1]:4815"
        case let .invalidPort(s): return "invalid port '\(shown(s))'; ports are 1-65535"
        case let .listenNeedsHostPort(s): return "listen address '\(shown(s))' must be host:port or :port"
        }
    }
}

extension String {
    var trimmingASCIIWhitespace: String {
        let scalars = unicodeScalars
        guard let first = scalars.firstIndex(where: { !($0 == " " || $0 == "\t" || $0 == "\n" || $0 == "\r") }),
              let last = scalars.lastIndex(where: { !($0 == " " || $0 == "\t" || $0 == "\n" || $0 == "\r") }) else { return "" }
        return String(scalars[first...last])
    }
}
