/// A value made of a fixed number of public bytes, written as lower-case hex.
public protocol HexEncodedBytes: Sendable {
    init?(bytes: [UInt8])
    var bytes: [UInt8] { get }
}

extension HexEncodedBytes {
    public init?(hex: String) {
        guard let bytes = Hex.decode(hex) else { return nil }
        self.init(bytes: bytes)
    }

    public var hex: String { Hex.encode(bytes) }
}

/// A 16-byte random identifier shown as 32 lower-case hex digits. `Kind` is a phantom type that
/// keeps message ids and request ids from being mixed up.
public struct RandomIdentifier<Kind>: HexEncodedBytes, Hashable, CustomStringConvertible {
    public static var length: Int { 16 }
    public let bytes: [UInt8]

    public init?(bytes: [UInt8]) {
        guard bytes.count == Self.length else { return nil }
        self.bytes = bytes
    }

    /// Sixteen fresh random bytes.
    public static func random() -> Self {
        Self(checked: Sodium.randomBytes(length))
    }

    private init(checked bytes: [UInt8]) { self.bytes = bytes }

    public var description: String { hex }
}

public enum MessageIDKind {}
public enum RequestIDKind {}

/// The random id of one envelope; the unit of replay protection.
public typealias MessageID = RandomIdentifier<MessageIDKind>
/// The random id of one authorisation request; what a person approves or denies.
public typealias RequestID = RandomIdentifier<RequestIDKind>
