import GRDB

/// The audit trail's table, registered in `Schema` as the migration `2026-11-29-05-audit`.
///
/// The triggers make the table append-only for everyone who goes through SQLite without dropping
/// them first; whoever does drop them is caught by the hash chain (`AuditLog.verify`).
enum AuditSchema {
    static let migrationName = "2026-11-29-05-audit"

    static func migrate(_ db: Database) throws {
        try db.execute(sql: """
            -- One row per audited decision or action; `sequence` is assigned by the writer as the
            -- recorded head + 1, so a deleted row leaves a visible gap.
            CREATE TABLE audit_log (
                sequence INTEGER PRIMARY KEY NOT NULL,
                time TEXT NOT NULL,
                customer_id TEXT NOT NULL,
                kind TEXT NOT NULL,
                actor TEXT NOT NULL,
                causation_id TEXT NOT NULL,
                policy_version TEXT NOT NULL,
                body TEXT NOT NULL,
                prev_hash TEXT NOT NULL,
                hash TEXT NOT NULL
            );
            CREATE INDEX audit_log_customer ON audit_log (customer_id, sequence);
            CREATE INDEX audit_log_time ON audit_log (time);

            CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
            BEGIN SELECT RAISE(ABORT, 'audit_log is append-only: an entry cannot be changed'); END;

            CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
            BEGIN SELECT RAISE(ABORT, 'audit_log is append-only: an entry cannot be deleted'); END;

            -- INSERT OR REPLACE deletes without firing delete triggers, so an insert may never
            -- reuse or go below an existing sequence.
            CREATE TRIGGER audit_log_no_rewrite BEFORE INSERT ON audit_log
            WHEN NEW.sequence IS NULL OR NEW.sequence < 1 OR NEW.sequence <= (SELECT max(sequence) FROM audit_log)
            BEGIN SELECT RAISE(ABORT, 'audit_log is append-only: a new entry must follow the last one'); END;
            """)
    }
}
