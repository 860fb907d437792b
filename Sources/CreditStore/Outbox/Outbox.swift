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

    /// The oldest `limit` messages not yet acknowledged, in publication order.
    public static func pending(_ db: Database, after seq: Int64 = 0, limit: Int) throws -> [OutboxMessage] {
        let rows = try Row.fetchAll(
            db.cachedStatement(sql: "SELECT seq, message_id, topic, message_key, value, headers FROM outbox WHERE seq > ? ORDER BY seq LIMIT ?"),
            arguments: [seq, limit])
        return try rows.map { row in
            let headerBytes: Data? = row[5]
            guard let headers = HeaderCodec.decode(headerBytes.map { [UInt8]($0) } ?? []) else {
                throw StoreError(.invalidData, "outbox row \(row[0] as Int64) has unreadable headers")
            }
            let key: Data? = row[3]
            let value: Data = row[4]
            return OutboxMessage(seq: row[0], messageId: row[1], topic: row[2], key: key.map { [UInt8]($0) },
                                 value: [UInt8](value), headers: headers)
        }
    }

    /// Removes delivered messages.
    public static func acknowledge(_ db: Database, seqs: [Int64]) throws {
        let stmt = try db.cachedStatement(sql: "DELETE FROM outbox WHERE seq = ?")
        for seq in seqs { try stmt.execute(arguments: [seq]) }
    }

    public static func backlog(_ db: Database) throws -> Int {
        try Int.fetchOne(db, sql: "SELECT count(*) FROM outbox") ?? 0
    }
}
