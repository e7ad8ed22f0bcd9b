import Foundation
import GRDB

/// Where a received request stands. `superseded`: the same device sent a newer request.
public enum AuthorisationState: String, Sendable, Equatable, CaseIterable {
    case pending, approved, denied, expired, superseded
}

/// One received authorisation request as the approver keeps it (table `authorisation_request`).
public struct AuthorisationRecord: Sendable, Equatable {
    public let requestID: RequestID
    public let deviceKey: PublicKey
    /// Exactly as received; print `displayName`.
    public let nodeName: String
    public let proof: [UInt8]
    public let code: VerificationCode
    public let state: AuthorisationState
    public let receivedAt: EpochMilliseconds
    public let expiresAt: EpochMilliseconds
    public let decidedAt: EpochMilliseconds?
    public let denyReason: String?
    /// Whether the node has sent the Granted/Denied message for this decision.
    public let replySent: Bool

    public var displayName: String { Sanitise.forTerminal(nodeName) }

    init(row: Row) throws {
        guard let id = RequestID(bytes: [UInt8](row["request_id"] as Data)),
              let key = PublicKey(bytes: [UInt8](row["device_key"] as Data)),
              let name = String(validating: [UInt8](row["node_name"] as Data), as: UTF8.self),
              let code = VerificationCode(parsing: row["code"]),
              let state = AuthorisationState(rawValue: row["state"]) else {
            throw DatabaseError(resultCode: .SQLITE_CORRUPT, message: "unreadable row in \(EphemeralSchema.authorisationRequestsTable)")
        }
        requestID = id
        deviceKey = key
        nodeName = name
        proof = [UInt8](row["proof"] as Data)
        self.code = code
        self.state = state
        receivedAt = EpochMilliseconds(clamping: row["received_at"] as Int64)
        expiresAt = EpochMilliseconds(clamping: row["expires_at"] as Int64)
        decidedAt = (row["decided_at"] as Int64?).map { EpochMilliseconds(clamping: $0) }
        denyReason = row["deny_reason"]
        replySent = row["reply_sent"]
    }
}
