import GRDB

/// The tables of the ephemeral channel, created by one migration that the storage owner
/// registers in the node's migrator (`EphemeralSchema.registerMigrations(&migrator)`).
public enum EphemeralSchema {
    public static let migrationIdentifier = "ephemeral-v1"
    /// Verified message ids (receiver replay protection).
    public static let seenMessagesTable = "ephemeral_seen_message"
    /// Authorisation requests received by this node and their decisions.
    public static let authorisationRequestsTable = "authorisation_request"

    public static func registerMigrations(_ migrator: inout DatabaseMigrator) {
        migrator.registerMigration(migrationIdentifier) { db in try createTables(db) }
    }

    /// Applies only this module's migrations: for tools and tests that open a database of
    /// their own. Nodes register the migration in their own migrator instead.
    public static func migrate(_ writer: any DatabaseWriter) throws {
        var migrator = DatabaseMigrator()
        registerMigrations(&migrator)
        try migrator.migrate(writer)
    }

    static func createTables(_ db: Database) throws {
        try db.execute(sql: """
            CREATE TABLE \(seenMessagesTable) (
                message_id BLOB PRIMARY KEY NOT NULL CHECK (length(message_id) = 16),
                expires_at INTEGER NOT NULL
            ) WITHOUT ROWID;
            CREATE INDEX \(seenMessagesTable)_expiry ON \(seenMessagesTable)(expires_at);
            CREATE TABLE \(authorisationRequestsTable) (
                request_id BLOB PRIMARY KEY NOT NULL CHECK (length(request_id) = 16),
                device_key BLOB NOT NULL CHECK (length(device_key) = 32),
                node_name BLOB NOT NULL,
                proof BLOB NOT NULL,
                code TEXT NOT NULL,
                state TEXT NOT NULL CHECK (state IN ('pending', 'approved', 'denied', 'expired', 'superseded')),
                received_at INTEGER NOT NULL,
                expires_at INTEGER NOT NULL,
                decided_at INTEGER,
                deny_reason TEXT,
                reply_sent INTEGER NOT NULL DEFAULT 0
            );
            CREATE INDEX \(authorisationRequestsTable)_state ON \(authorisationRequestsTable)(state, expires_at);
            CREATE INDEX \(authorisationRequestsTable)_device ON \(authorisationRequestsTable)(device_key);
            CREATE INDEX \(authorisationRequestsTable)_received ON \(authorisationRequestsTable)(received_at);
            """)
    }
}

extension EphemeralTiming {
    /// Timestamps are unsigned milliseconds; SQLite integers are signed.
    static func sqlite(_ ms: EpochMilliseconds) -> Int64 { Int64(clamping: ms) }
}
