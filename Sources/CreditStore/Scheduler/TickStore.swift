import CreditCore
import GRDB

/// The scheduler's record: which ticks ran, and how far a tick in progress got.
///
/// A tick is recorded when it starts; its cursor (the last customer done) moves in the same
/// transaction as the outputs of the customers it covers, so a crash in the middle resumes after
/// the last committed customer: no notice lost, none published twice.
public enum TickStore {
    public struct Tick: Sendable, Equatable {
        public var time: Timestamp
        public var finished: Bool
        public var cursor: String?
        public var customers: Int
        public var outputs: Int
    }

    public static func get(_ db: Database, _ time: Timestamp) throws -> Tick? {
        try Row.fetchOne(db.cachedStatement(sql: """
            SELECT finished_at IS NOT NULL, cursor, customers, outputs FROM scheduler_ticks WHERE tick_time = ?
            """), arguments: [time.rfc3339]).map {
            Tick(time: time, finished: $0[0], cursor: $0[1], customers: $0[2], outputs: $0[3])
        }
    }

    /// The newest tick started, finished or not.
    public static func latest(_ db: Database) throws -> Tick? {
        guard let row = try Row.fetchOne(db, sql: """
            SELECT tick_time, finished_at IS NOT NULL, cursor, customers, outputs FROM scheduler_ticks
            ORDER BY tick_time DESC LIMIT 1
            """), let time = Timestamp(rfc3339: row[0]) else { return nil }
        return Tick(time: time, finished: row[1], cursor: row[2], customers: row[3], outputs: row[4])
    }

    /// Ticks started but not finished (at most one in practice), oldest first.
    public static func unfinished(_ db: Database) throws -> [Tick] {
        try Row.fetchAll(db, sql: """
            SELECT tick_time, cursor, customers, outputs FROM scheduler_ticks WHERE finished_at IS NULL ORDER BY tick_time
            """).compactMap { row in
            Timestamp(rfc3339: row[0]).map { Tick(time: $0, finished: false, cursor: row[1], customers: row[2], outputs: row[3]) }
        }
    }

    public static func start(_ db: Database, _ time: Timestamp, at stamp: String) throws {
        try db.execute(sql: "INSERT OR IGNORE INTO scheduler_ticks (tick_time, started_at) VALUES (?, ?)", arguments: [time.rfc3339, stamp])
    }

    public static func advance(_ db: Database, _ time: Timestamp, cursor: String, customers: Int, outputs: Int) throws {
        try db.execute(sql: """
            UPDATE scheduler_ticks SET cursor = ?, customers = customers + ?, outputs = outputs + ? WHERE tick_time = ?
            """, arguments: [cursor, customers, outputs, time.rfc3339])
    }

    public static func finish(_ db: Database, _ time: Timestamp, at stamp: String) throws {
        try db.execute(sql: "UPDATE scheduler_ticks SET finished_at = ? WHERE tick_time = ?", arguments: [stamp, time.rfc3339])
    }

    /// How many ticks have run (for /metrics).
    public static func finishedCount(_ db: Database) throws -> Int {
        try Int.fetchOne(db, sql: "SELECT count(*) FROM scheduler_ticks WHERE finished_at IS NOT NULL") ?? 0
    }
}
