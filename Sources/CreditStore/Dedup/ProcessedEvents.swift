import GRDB

/// The idempotency keys of applied input events (`source` + `id`, events.md).
public enum ProcessedEvents {
    public enum Seen: Equatable, Sendable {
        case new
        /// Already applied with the same canonical JSON: skip silently (and count).
        case repeated
        /// Already applied with different content: dead-letter as `conflicting_duplicate`.
        case conflicting
    }

    /// Records the key when it is new and says what it was: one insert for a new event (nearly
    /// every event), the stored hash read back only when the key was there already. The caller
    /// must apply a `.new` event in the same transaction, since the key is now recorded.
    public static func claim(_ db: Database, source: String, id: String, sha256: String, customerId: String) throws -> Seen {
        try db.cachedStatement(sql: """
            INSERT INTO processed_events (source, event_id, canonical_sha256, customer_id) VALUES (?, ?, ?, ?)
            ON CONFLICT(source, event_id) DO NOTHING
            """).execute(arguments: [source, id, sha256, customerId])
        if db.changesCount > 0 { return .new }
        return try check(db, source: source, id: id, sha256: sha256)
    }

    public static func check(_ db: Database, source: String, id: String, sha256: String) throws -> Seen {
        let stmt = try db.cachedStatement(sql: "SELECT canonical_sha256 FROM processed_events WHERE source = ? AND event_id = ?")
        guard let stored = try String.fetchOne(stmt, arguments: [source, id]) else { return .new }
        return stored == sha256 ? .repeated : .conflicting
    }

    public static func record(_ db: Database, source: String, id: String, sha256: String, customerId: String) throws {
        try db.cachedStatement(sql: "INSERT INTO processed_events (source, event_id, canonical_sha256, customer_id) VALUES (?, ?, ?, ?)")
            .execute(arguments: [source, id, sha256, customerId])
    }

    public static func count(_ db: Database) throws -> Int {
        try Int.fetchOne(db, sql: "SELECT count(*) FROM processed_events") ?? 0
    }
}
