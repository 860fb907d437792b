import GRDB

/// Input offsets kept in SQLite, moved in the same transaction as the effects of the messages.
public enum OffsetStore {
    public struct Key: Hashable, Sendable, Comparable {
        public let topic: String
        public let partition: Int32
        public init(topic: String, partition: Int32) {
            self.topic = topic
            self.partition = partition
        }
        public static func < (a: Key, b: Key) -> Bool { (a.topic, a.partition) < (b.topic, b.partition) }
    }

    /// The next offset to consume for each given partition that has one stored.
    public static func nextOffsets(_ db: Database, for keys: [Key]) throws -> [Key: Int64] {
        var result: [Key: Int64] = [:]
        let stmt = try db.cachedStatement(sql: "SELECT next_offset FROM consumer_offsets WHERE topic = ? AND partition = ?")
        for key in keys {
            if let next = try Int64.fetchOne(stmt, arguments: [key.topic, key.partition]) {
                result[key] = next
            }
        }
        return result
    }

    public static func all(_ db: Database) throws -> [Key: Int64] {
        var result: [Key: Int64] = [:]
        for row in try Row.fetchAll(db, sql: "SELECT topic, partition, next_offset FROM consumer_offsets") {
            result[Key(topic: row[0], partition: row[1])] = row[2]
        }
        return result
    }

    /// Records where the partition goes on: after the last message a batch applied. Exactly
    /// that, even below the offset stored: a broker whose log went back (it came back empty, a
    /// log was truncated) is read again from its new offsets, and keeping the old, higher one
    /// would skip the new log's messages below it at the next start. A message read again is
    /// harmless: its id is already in `processed_events`.
    public static func advance(_ db: Database, _ key: Key, to next: Int64) throws {
        try db.cachedStatement(sql: """
            INSERT INTO consumer_offsets (topic, partition, next_offset) VALUES (?, ?, ?)
            ON CONFLICT(topic, partition) DO UPDATE SET next_offset = excluded.next_offset
            """).execute(arguments: [key.topic, key.partition, next])
    }
}
