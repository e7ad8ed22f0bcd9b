import GRDB

/// The node database schema. Tables above the line are the source of truth (logs as received);
/// tables prefixed `view_` and `membership_ops` are derived and can be dropped and rebuilt from
/// the stored blocks (`HyphaDatabase.rebuildView()`).
enum Schema {
    static func migrator() -> DatabaseMigrator {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("logs-v1") { db in
            // One row per log we hold (any writer, authorised or not).
            try db.execute(sql: """
                CREATE TABLE writers (
                    id INTEGER PRIMARY KEY,
                    key BLOB NOT NULL UNIQUE,
                    length INTEGER NOT NULL DEFAULT 0,
                    roots BLOB NOT NULL,
                    tree_hash BLOB,
                    signature BLOB
                );
                -- Blocks by id = writer row id << 40 | index: one rowid B-tree in which each
                -- log's blocks are consecutive and appended at its end.
                CREATE TABLE blocks (
                    id INTEGER PRIMARY KEY,
                    data BLOB NOT NULL
                );
                -- Every signed length we hold: chunks sent to peers end on one of these.
                CREATE TABLE signatures (
                    writer_id INTEGER NOT NULL,
                    length INTEGER NOT NULL,
                    tree_hash BLOB NOT NULL,
                    signature BLOB NOT NULL,
                    PRIMARY KEY (writer_id, length)
                ) WITHOUT ROWID;
                -- Two different validly signed blocks at one position of a log.
                CREATE TABLE forks (
                    writer_id INTEGER NOT NULL,
                    idx INTEGER NOT NULL,
                    ours BLOB NOT NULL,
                    theirs BLOB NOT NULL,
                    our_length INTEGER NOT NULL, our_tree_hash BLOB NOT NULL, our_signature BLOB NOT NULL,
                    their_length INTEGER NOT NULL, their_tree_hash BLOB NOT NULL, their_signature BLOB NOT NULL,
                    detected_at INTEGER NOT NULL,
                    PRIMARY KEY (writer_id, idx)
                ) WITHOUT ROWID;
                -- Logs whose stored blocks no longer match their signatures (found by the
                -- integrity check): only the first valid_length blocks count.
                CREATE TABLE log_caps (
                    writer_id INTEGER PRIMARY KEY,
                    valid_length INTEGER NOT NULL,
                    reason TEXT NOT NULL
                );
                -- Blocks refused on arrival, with the reason (bounded, newest kept).
                CREATE TABLE rejections (
                    id INTEGER PRIMARY KEY,
                    writer_key BLOB NOT NULL,
                    idx INTEGER NOT NULL,
                    reason TEXT NOT NULL,
                    at INTEGER NOT NULL
                );
                """)
        }
        migrator.registerMigration("view-v1") { db in
            try createViewTables(db)
        }
        // Entry format 2 and membership strata: the derived tables change shape. They are
        // dropped here and rebuilt from the blocks when the database opens (`reindexIfNeeded`).
        migrator.registerMigration("view-v2") { db in
            try dropView(db)
            try createViewTables(db)
            try db.execute(sql: "CREATE TABLE pending_maintenance (task TEXT PRIMARY KEY)")
            try db.execute(sql: "INSERT INTO pending_maintenance (task) VALUES ('reindex')")
        }
        // Fork proofs that travel (docs/PROTOCOL.md, "Block proofs and fork proofs").
        migrator.registerMigration("forks-v2") { db in
            try db.execute(sql: "ALTER TABLE forks ADD COLUMN proof BLOB")
        }
        // Proven blocks kept apart from the logs (which are cut back at cut-offs): every block
        // carrying a remove-writer, and the block at each removal's cut-off.
        migrator.registerMigration("evidence-v1") { db in
            try db.execute(sql: """
                CREATE TABLE proven_blocks (
                    writer BLOB NOT NULL,
                    position INTEGER NOT NULL,
                    hash BLOB NOT NULL,
                    is_removal INTEGER NOT NULL,
                    evidence BLOB NOT NULL,
                    PRIMARY KEY (writer, position, hash)
                ) WITHOUT ROWID
                """)
        }
        // The verdict of the last integrity check: local writes are refused while it is not clean.
        migrator.registerMigration("health-v1") { db in
            try db.execute(sql: """
                CREATE TABLE health (
                    id INTEGER PRIMARY KEY CHECK (id = 1),
                    damaged INTEGER NOT NULL,
                    problems TEXT NOT NULL,
                    checked_at INTEGER NOT NULL
                )
                """)
        }
        // Ephemeral channel: seen message ids and authorisation requests (Ephemeral/).
        EphemeralSchema.registerMigrations(&migrator)
        // What a running node publishes for CLI commands (`hypha peers`).
        RuntimeStatus.registerMigration(&migrator)
        return migrator
    }

    /// Derived tables; `dropView` + `createViewTables` is how the view is rebuilt.
    static func createViewTables(_ db: Database) throws {
        try db.execute(sql: """
            -- Root-signed membership operations found in any stored block.
            -- (An operation carried by several logs has one row per carrier. Primary-key
            -- columns come first: SQLite 3.40's integrity_check misreports NOT NULL columns
            -- of WITHOUT ROWID tables otherwise.)
            CREATE TABLE membership_ops (
                hash BLOB NOT NULL,
                source_writer INTEGER NOT NULL,
                source_idx INTEGER NOT NULL,
                kind INTEGER NOT NULL,
                body BLOB NOT NULL,
                created_at INTEGER NOT NULL,
                PRIMARY KEY (hash, source_writer, source_idx)
            ) WITHOUT ROWID;
            -- How far each log has been applied to the view, and its running vector clock.
            CREATE TABLE view_state (
                writer_id INTEGER PRIMARY KEY,
                applied INTEGER NOT NULL,
                clock BLOB NOT NULL
            );
            -- How many blocks of each log counted when the view was last applied (key ‖ u64le,
            -- one after the other): a log that counts more now means entries that waited on it
            -- were applied with less, so the view is rebuilt.
            CREATE TABLE view_accepted (
                id INTEGER PRIMARY KEY CHECK (id = 1),
                lengths BLOB NOT NULL
            );
            -- Full vector clocks at the entries whose dependencies changed the clock.
            CREATE TABLE view_clocks (
                writer_id INTEGER NOT NULL,
                idx INTEGER NOT NULL,
                clock BLOB NOT NULL,
                PRIMARY KEY (writer_id, idx)
            ) WITHOUT ROWID;
            -- The multi-value register of each key in conflict: the operations on it that no
            -- other operation on it follows. A key with a single head has no rows here: its
            -- summary row describes that head.
            CREATE TABLE view_heads (
                key TEXT NOT NULL,
                writer_id INTEGER NOT NULL,
                idx INTEGER NOT NULL,
                tombstone INTEGER NOT NULL,
                ts INTEGER NOT NULL,
                PRIMARY KEY (key, writer_id, idx)
            ) WITHOUT ROWID;
            -- One row per key: head count, live (non-tombstone) heads and the display winner.
            CREATE TABLE view_entries (
                key TEXT PRIMARY KEY,
                heads INTEGER NOT NULL,
                live INTEGER NOT NULL,
                winner_writer INTEGER NOT NULL,
                winner_idx INTEGER NOT NULL,
                winner_tombstone INTEGER NOT NULL,
                ts INTEGER NOT NULL
            ) WITHOUT ROWID;
            -- Every operation ever applied to each key (its history), except for a key that has had
            -- one operation only: its summary row describes it (as it describes a single head).
            CREATE TABLE view_history (
                key TEXT NOT NULL,
                writer_id INTEGER NOT NULL,
                idx INTEGER NOT NULL,
                tombstone INTEGER NOT NULL,
                ts INTEGER NOT NULL,
                PRIMARY KEY (key, writer_id, idx)
            ) WITHOUT ROWID;
            -- Data entries that were skipped (do not decrypt, malformed), deterministic on every node.
            CREATE TABLE view_invalid (
                writer_id INTEGER NOT NULL,
                idx INTEGER NOT NULL,
                reason TEXT NOT NULL,
                PRIMARY KEY (writer_id, idx)
            ) WITHOUT ROWID;
            """)
    }

    static let viewTables = ["membership_ops", "view_state", "view_accepted", "view_history", "view_clocks", "view_heads", "view_entries", "view_invalid"]

    static func dropView(_ db: Database) throws {
        for table in viewTables { try db.execute(sql: "DROP TABLE IF EXISTS \(table)") }
    }
}
