import Foundation
import GRDB

/// The transactional outbox: output messages are inserted in the transaction that decided them
/// and deleted only after the broker acknowledged them, so a crash can repeat a publication (with
/// the same id) but never lose one.
public enum Outbox {
    public static func append(_ db: Database, _ message: OutboxMessage, createdAt: String) throws {
        try db.cachedStatement(sql: """
            INSERT INTO outbox (message_id, topic, message_key, value, headers, created_at)
            VALUES (?, ?, ?, ?, ?, ?)
            """).execute(arguments: [
                message.messageId, message.topic,
                message.key.map { Data($0) }, Data(message.value),
                message.headers.isEmpty ? nil : Data(HeaderCodec.encode(message.headers)),
                createdAt,
            ])
    }

    /// The oldest `limit` messages not yet acknowledged, in publication order, stopping after
    /// the one that brings their values to `maxBytes` (dead letters can be megabytes each).
    public static func pending(_ db: Database, after seq: Int64 = 0, limit: Int, maxBytes: Int = .max) throws -> [OutboxMessage] {
        let rows = try Row.fetchCursor(
            db.cachedStatement(sql: "SELECT seq, message_id, topic, message_key, value, headers FROM outbox WHERE seq > ? ORDER BY seq LIMIT ?"),
            arguments: [seq, limit])
        var messages: [OutboxMessage] = []
        var bytes = 0
        while bytes < maxBytes, let row = try rows.next() {
            let headerBytes: Data? = row[5]
            guard let headers = HeaderCodec.decode(headerBytes.map { [UInt8]($0) } ?? []) else {
                throw StoreError(.invalidData, "outbox row \(row[0] as Int64) has unreadable headers")
            }
            let key: Data? = row[3]
            let value: Data = row[4]
            bytes += value.count
            messages.append(OutboxMessage(seq: row[0], messageId: row[1], topic: row[2], key: key.map { [UInt8]($0) },
                                          value: [UInt8](value), headers: headers))
        }
        return messages
    }

    /// Removes delivered messages: one statement per run of consecutive sequence numbers (a
    /// delivered batch is usually one run), so a range goes in one B-tree walk.
    public static func acknowledge(_ db: Database, seqs: [Int64]) throws {
        let stmt = try db.cachedStatement(sql: "DELETE FROM outbox WHERE seq BETWEEN ? AND ?")
        var index = 0
        let sorted = seqs.sorted()
        while index < sorted.count {
            var end = index
            while end + 1 < sorted.count, sorted[end + 1] == sorted[end] + 1 { end += 1 }
            try stmt.execute(arguments: [sorted[index], sorted[end]])
            index = end + 1
        }
    }

    public static func backlog(_ db: Database) throws -> Int {
        try Int.fetchOne(db, sql: "SELECT count(*) FROM outbox") ?? 0
    }
}
