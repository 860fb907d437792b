import Foundation
import GRDB

/// Outbox messages the broker refused for good (too large for the topic, a record it calls
/// invalid): retrying the same bytes cannot succeed, and retrying for ever would hold back every
/// message behind them. They are parked here, counted on `/metrics` and listed by `creditctl
/// outbox refused`, until an operator who fixed the cause (raised the topic's
/// `max.message.bytes`, say) puts them back with `creditctl outbox retry`.
public enum RefusedOutbox {
    static let migrationName = "2026-12-01-01-outbox-refused"

    static func migrate(_ db: Database) throws {
        // `seq` is the row's outbox position when it was refused (the order it was meant to go in).
        try db.execute(sql: """
            CREATE TABLE outbox_refused (
                seq INTEGER PRIMARY KEY NOT NULL,
                message_id TEXT NOT NULL,
                topic TEXT NOT NULL,
                message_key BLOB,
                value BLOB NOT NULL,
                headers BLOB,
                created_at TEXT NOT NULL,
                refused_at TEXT NOT NULL,
                error_code TEXT NOT NULL,
                error_message TEXT NOT NULL
            );
            """)
    }

    /// Moves the outbox row `seq` here with the broker's answer. False if the row is not in the
    /// outbox (already moved or acknowledged).
    @discardableResult
    public static func refuse(_ db: Database, seq: Int64, code: String, message: String, at: String) throws -> Bool {
        try db.cachedStatement(sql: """
            INSERT INTO outbox_refused (seq, message_id, topic, message_key, value, headers, created_at,
                                        refused_at, error_code, error_message)
            SELECT seq, message_id, topic, message_key, value, headers, created_at, ?, ?, ? FROM outbox WHERE seq = ?
            """).execute(arguments: [at, code, message, seq])
        guard db.changesCount > 0 else { return false }
        try db.cachedStatement(sql: "DELETE FROM outbox WHERE seq = ?").execute(arguments: [seq])
        return true
    }

    /// The parked messages in their original order, without their values (which can be megabytes).
    public static func list(_ db: Database) throws -> [RefusedMessage] {
        try Row.fetchAll(db, sql: """
            SELECT seq, message_id, topic, message_key, length(value), created_at, refused_at, error_code,
                   error_message
            FROM outbox_refused ORDER BY seq
            """).map { row in
            let key: Data? = row[3]
            return RefusedMessage(seq: row[0], messageId: row[1], topic: row[2], key: key.map { [UInt8]($0) },
                                  valueBytes: row[4], createdAt: row[5], refusedAt: row[6], errorCode: row[7],
                                  errorMessage: row[8])
        }
    }

    public static func count(_ db: Database) throws -> Int {
        try Int.fetchOne(db, sql: "SELECT count(*) FROM outbox_refused") ?? 0
    }

    /// Puts parked messages back at the end of the outbox, in their original order: all of them, or
    /// those whose `seq` is in `seqs`. Returns how many went back. A message refused again comes
    /// back here under its new position.
    public static func retry(_ db: Database, seqs: [Int64]? = nil) throws -> Int {
        var chosen = try Int64.fetchAll(db, sql: "SELECT seq FROM outbox_refused ORDER BY seq")
        if let seqs {
            let wanted = Set(seqs)
            chosen.removeAll { !wanted.contains($0) }
        }
        let insert = try db.cachedStatement(sql: """
            INSERT INTO outbox (message_id, topic, message_key, value, headers, created_at)
            SELECT message_id, topic, message_key, value, headers, created_at FROM outbox_refused WHERE seq = ?
            """)
        let delete = try db.cachedStatement(sql: "DELETE FROM outbox_refused WHERE seq = ?")
        for seq in chosen {
            try insert.execute(arguments: [seq])
            try delete.execute(arguments: [seq])
        }
        return chosen.count
    }
}
