/// Whether the peer of one connection has proved the capability (its Open verified). Until then
/// the connection is read with the small pre-trust limits of `WireLimits`, so a stranger can make
/// the node hold only a few KiB. Shared by the handlers of one channel; confined to its event loop.
final class ConnectionTrust {
    private(set) var isTrusted = false

    /// Set once, by the session handler, when the peer's Open verifies.
    func grant() { isTrusted = true }

    /// The largest frame payload accepted now.
    var maxFrameLength: Int { isTrusted ? WireLimits.maxFrameLength : WireLimits.maxFrameLengthBeforeOpen }
}
