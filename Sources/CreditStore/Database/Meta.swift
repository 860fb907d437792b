import GRDB

/// Small named facts kept beside the state (the event-clock watermark, counters).
public enum Meta {
    public static func get(_ db: Database, _ key: String) throws -> String? {
        try String.fetchOne(db, sql: "SELECT value FROM meta WHERE key = ?", arguments: [key])
    }

    public static func set(_ db: Database, _ key: String, _ value: String) throws {
        try db.execute(
            sql: "INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value",
            arguments: [key, value])
    }

    public static func int(_ db: Database, _ key: String) throws -> Int64? {
        try get(db, key).flatMap { Int64($0) }
    }
}
