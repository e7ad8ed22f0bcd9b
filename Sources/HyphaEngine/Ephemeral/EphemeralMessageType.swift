/// The `type` byte of an envelope header: what the encrypted body holds.
/// Types 2 and 3 are kept free for the OFFER and REVEAL messages of the commit-then-reveal
/// code exchange (docs/PROTOCOL.md), should it be added later.
public enum EphemeralMessageType: UInt8, Sendable, CaseIterable {
    case authorisationRequest = 1
    case authorisationGranted = 4
    case authorisationDenied = 5
}
