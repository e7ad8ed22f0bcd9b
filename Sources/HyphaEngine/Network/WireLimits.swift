/// Fixed numbers of the Hypha wire protocol v1 (docs/PROTOCOL.md, "Wire protocol v1"). Everything a peer sends is
/// checked against these before it is trusted or allocated.
public enum WireLimits {
    /// Default TCP/WebSocket port of a Hypha node.
    public static let defaultPort = 4815
    /// The HTTP path a WebSocket client upgrades on.
    public static let webSocketPath = "/hypha"
    /// Most bytes of an HTTP upgrade request (request line and headers) a server reads before it
    /// answers; a longer request gets 400 and is closed.
    public static let maxUpgradeRequestBytes = 8 * 1024

    /// `"HYPH"`, the first bytes of every connection (raw TCP) or of the first WebSocket message.
    public static let handshakeMagic: [UInt8] = Array("HYPH".utf8)
    public static let handshakeVersion: UInt8 = 1
    /// `"HYPH" ‖ version ‖ X25519 public key`.
    public static let helloLength = 4 + 1 + 32

    /// Largest frame payload (the bytes after the u32le length), checked before anything is allocated.
    public static let maxFrameLength = 4 * 1024 * 1024
    /// Largest frame payload before the peer's Open has verified: the first frame carries only the
    /// stream header and Open (or a Close), about 250 bytes. A larger length closes the connection.
    public static let maxFrameLengthBeforeOpen = 1024
    /// Most bytes a WebSocket peer may send after the upgrade and before its Open verifies.
    public static let maxWebSocketBytesBeforeOpen = 4 * 1024
    /// Largest plaintext message: a frame minus the secretstream header (first frame) and tag.
    public static let maxMessageLength = maxFrameLength - 24 - 17

    /// Version carried in Open; a different value closes the session.
    public static let protocolVersion: UInt16 = 1
    public static let capabilityLength = 32
    public static let maxNodeNameBytes = 64
    public static let maxHeadsPerHave = 4096
    public static let maxBlocksPerData = 65536
    public static let maxBlockBytes = 1024 * 1024
    public static let maxEnvelopeBytes = 8 * 1024
    /// The largest evidence payload: a fork proof of two maximal blocks.
    public static let maxEvidenceBytes = ForkProof.maxEncodedBytes
    public static let maxCloseMessageBytes = 200
}
