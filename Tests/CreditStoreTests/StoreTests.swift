@testable import CreditStore
import CreditCore
import Foundation
import GRDB
import Testing

/// A fresh database file in its own temporary folder, removed by the caller.
func temporaryDatabase(_ name: String = "test.sqlite") throws -> (CreditDatabase, URL) {
    let dir = FileManager.default.temporaryDirectory.appendingPathComponent("creditd-store-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
    let db = try CreditDatabase(path: dir.appendingPathComponent(name).path)
    return (db, dir)
}

/// A database file as a build that stopped at `migration` left it, with `rows` written (SQL),
/// in its own temporary folder, removed by the caller: for tests of the migrations after it.
func databaseMigrated(upTo migration: String, rows: String) throws -> (path: String, dir: URL) {
    let dir = FileManager.default.temporaryDirectory.appendingPathComponent("creditd-store-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
    let path = dir.appendingPathComponent("old.sqlite").path
    let pool = try DatabasePool(path: path)
    try Schema.migrator.migrate(pool, upTo: migration)
    try pool.write { db in try db.execute(sql: rows) }
    return (path, dir)
}

@Suite struct StoreTests {
    @Test func migrationsCreateTheSchemaInWALMode() throws {
        let (db, dir) = try temporaryDatabase()
        defer { try? FileManager.default.removeItem(at: dir) }
        let mode = try db.read { try String.fetchOne($0, sql: "PRAGMA journal_mode") }
        #expect(mode == "wal")
        let tables = try db.read { try String.fetchAll($0, sql: "SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name") }
        for table in ["consumer_offsets", "customers", "meta", "outbox", "processed_events"] {
            #expect(tables.contains(table))
        }
        // Opening again applies nothing new and keeps the data.
        try db.write { try Meta.set($0, "watermark", "2026-11-28T00:00:00Z") }
        let again = try CreditDatabase(path: db.path)
        #expect(try again.read { try Meta.get($0, "watermark") } == "2026-11-28T00:00:00Z")
    }

    /// The attention dates move to their own table: a database from before keeps every pending
    /// date (the ticks visit the same customers), and from then on a date moves without
    /// rewriting the customer's row.
    @Test func attentionDatesMoveApartWithTheirDates() throws {
        let (path, dir) = try databaseMigrated(upTo: CollectionHistory.figuresMigrationName, rows: """
            INSERT INTO customers (customer_id, state, updated_at, attention_on) VALUES
              ('C-1', x'01', 't0', '2026-02-01'), ('C-2', x'01', 't0', NULL), ('C-3', x'01', 't0', '2026-03-01');
            """)
        defer { try? FileManager.default.removeItem(at: dir) }
        let database = try CreditDatabase(path: path)
        let today = LocalDate(year: 2026, month: 2, day: 15)!
        #expect(try database.read { try CustomerStore.needingAttention($0, on: today, after: nil, limit: 10) } == ["C-1"])
        let later = LocalDate(year: 2026, month: 12, day: 31)!
        #expect(try database.read { try CustomerStore.needingAttention($0, on: later, after: nil, limit: 10) } == ["C-1", "C-3"])
        let columns = try database.read { try $0.columns(in: "customers").map(\.name) }
        #expect(!columns.contains("attention_on"))
        let stored = try database.write { db in
            [try CustomerStore.setAttention(db, id: "C-2", on: LocalDate(year: 2026, month: 2, day: 10)!),
             try CustomerStore.setAttention(db, id: "C-1", on: nil),
             try CustomerStore.setAttention(db, id: "C-9", on: today)]
        }
        #expect(stored == [true, true, false], "C-9 has no row: it was never stored")
        #expect(try database.read { try CustomerStore.needingAttention($0, on: later, after: nil, limit: 10) } == ["C-2", "C-3"])
        #expect(try database.read { try String.fetchOne($0, sql: "SELECT updated_at FROM customers WHERE customer_id = 'C-2'") } == "t0")
        try database.write { db in try CustomerStore.resetAttention(db) }
        #expect(try database.read { try CustomerStore.needingAttention($0, on: today, after: "C-1", limit: 10) } == ["C-2", "C-3"])
    }

    /// A database a newer creditd migrated is refused by this one, naming the migration, rather
    /// than written without what the newer migrations keep up.
    @Test func aDatabaseFromANewerCreditdIsRefused() throws {
        let (db, dir) = try temporaryDatabase()
        defer { try? FileManager.default.removeItem(at: dir) }
        try db.write { try $0.execute(sql: "INSERT INTO grdb_migrations (identifier) VALUES ('2099-01-01-01-from-the-future')") }
        let error = #expect(throws: StoreError.self) { _ = try CreditDatabase(path: db.path) }
        #expect(error?.description.contains("2099-01-01-01-from-the-future") == true, "\(String(describing: error))")
    }

    /// The stored offset is where the last batch ended, also below the one before: a broker whose
    /// log went back is read again from its new offsets, not skipped up to the old ones.
    @Test func offsetsRecordWhereTheLastBatchEnded() throws {
        let (db, dir) = try temporaryDatabase()
        defer { try? FileManager.default.removeItem(at: dir) }
        let key = OffsetStore.Key(topic: "orders", partition: 2)
        try db.write { db in
            try OffsetStore.advance(db, key, to: 10)
            try OffsetStore.advance(db, key, to: 12)
        }
        #expect(try db.read { try OffsetStore.nextOffsets($0, for: [key, .init(topic: "orders", partition: 3)]) } == [key: 12])
        try db.write { db in try OffsetStore.advance(db, key, to: 3) }
        #expect(try db.read { try OffsetStore.nextOffsets($0, for: [key]) } == [key: 3])
    }

    @Test func processedEventsTellRepeatsFromConflicts() throws {
        let (db, dir) = try temporaryDatabase()
        defer { try? FileManager.default.removeItem(at: dir) }
        let result = try db.write { db -> [ProcessedEvents.Seen] in
            let first = try ProcessedEvents.check(db, source: "oms", id: "e1", sha256: "aa")
            try ProcessedEvents.record(db, source: "oms", id: "e1", sha256: "aa", customerId: "C-1")
            return [first,
                    try ProcessedEvents.check(db, source: "oms", id: "e1", sha256: "aa"),
                    try ProcessedEvents.check(db, source: "oms", id: "e1", sha256: "bb"),
                    try ProcessedEvents.check(db, source: "other", id: "e1", sha256: "bb")]
        }
        #expect(result == [.new, .repeated, .conflicting, .new])
    }

    @Test func aClaimRecordsANewKeyAndTellsRepeatsFromConflicts() throws {
        let (db, dir) = try temporaryDatabase()
        defer { try? FileManager.default.removeItem(at: dir) }
        let result = try db.write { db -> [ProcessedEvents.Seen] in
            [try ProcessedEvents.claim(db, source: "oms", id: "e1", sha256: "aa", customerId: "C-1"),
             try ProcessedEvents.claim(db, source: "oms", id: "e1", sha256: "aa", customerId: "C-1"),
             try ProcessedEvents.claim(db, source: "oms", id: "e1", sha256: "bb", customerId: "C-1"),
             try ProcessedEvents.claim(db, source: "other", id: "e1", sha256: "bb", customerId: "C-2"),
             try ProcessedEvents.check(db, source: "oms", id: "e1", sha256: "aa")]
        }
        #expect(result == [.new, .repeated, .conflicting, .new, .repeated])
        // A conflicting claim leaves the first content's hash and customer in place.
        let row = try db.read { try Row.fetchOne($0, sql: "SELECT canonical_sha256, customer_id FROM processed_events WHERE source = 'oms'") }
        #expect(row.map { $0[0] as String } == "aa")
        #expect(row.map { $0[1] as String } == "C-1")
    }

    @Test func outboxKeepsOrderBytesAndHeadersUntilAcknowledged() throws {
        let (db, dir) = try temporaryDatabase()
        defer { try? FileManager.default.removeItem(at: dir) }
        let binary: [UInt8] = [0, 255, 10, 13, 0x80]
        try db.write { db in
            for i in 0..<5 {
                try Outbox.append(db, OutboxMessage(messageId: "m\(i)", topic: "t", key: i == 0 ? nil : Array("C-\(i)".utf8),
                                                    value: binary + [UInt8(i)],
                                                    headers: i == 1 ? [.init("a", "1"), .init(name: "bin", value: binary)] : []),
                               createdAt: "2026-11-28T00:00:00Z")
            }
        }
        let pending = try db.read { try Outbox.pending($0, limit: 10) }
        #expect(pending.map(\.messageId) == ["m0", "m1", "m2", "m3", "m4"])
        #expect(pending[0].key == nil)
        #expect(pending[1].headers == [.init("a", "1"), .init(name: "bin", value: binary)])
        #expect(pending[4].value == binary + [4])
        try db.write { try Outbox.acknowledge($0, seqs: [pending[0].seq, pending[1].seq]) }
        let rest = try db.read { try Outbox.pending($0, limit: 2) }
        #expect(rest.map(\.messageId) == ["m2", "m3"])
        #expect(try db.read { try Outbox.backlog($0) } == 3)
        // A byte budget stops after the row that reaches it.
        #expect(try db.read { try Outbox.pending($0, limit: 10, maxBytes: 7) }.map(\.messageId) == ["m2", "m3"])
        // Delivered out of order and with a gap (m3 failed): only the delivered rows go.
        try db.write { try Outbox.acknowledge($0, seqs: [pending[4].seq, pending[2].seq]) }
        #expect(try db.read { try Outbox.pending($0, limit: 10) }.map(\.messageId) == ["m3"])
    }

    @Test func aRefusedMessageIsParkedWithItsBytesAndGoesBackAtTheEndOnRetry() throws {
        let (db, dir) = try temporaryDatabase()
        defer { try? FileManager.default.removeItem(at: dir) }
        let binary: [UInt8] = [0, 255, 10, 13, 0x80]
        try db.write { db in
            for i in 0..<4 {
                try Outbox.append(db, OutboxMessage(messageId: "m\(i)", topic: "t\(i)", key: Array("C-\(i)".utf8), value: binary + [UInt8(i)],
                                                    headers: i == 1 ? [.init(name: "bin", value: binary)] : []),
                               createdAt: "2026-11-28T00:00:0\(i)Z")
            }
        }
        let pending = try db.read { try Outbox.pending($0, limit: 10) }
        let moved = try db.write { db in
            [try RefusedOutbox.refuse(db, seq: pending[1].seq, code: "MSG_SIZE_TOO_LARGE", message: "too big", at: "2026-12-01T00:00:00Z"),
             try RefusedOutbox.refuse(db, seq: pending[2].seq, code: "INVALID_RECORD", message: "bad", at: "2026-12-01T00:00:01Z"),
             // A row no longer in the outbox is not parked twice.
             try RefusedOutbox.refuse(db, seq: pending[1].seq, code: "MSG_SIZE_TOO_LARGE", message: "again", at: "x")]
        }
        #expect(moved == [true, true, false])
        #expect(try db.read { try Outbox.pending($0, limit: 10) }.map(\.messageId) == ["m0", "m3"])
        let parked = try db.read { try RefusedOutbox.list($0) }
        #expect(parked == [
            RefusedMessage(seq: pending[1].seq, messageId: "m1", topic: "t1", key: Array("C-1".utf8), valueBytes: 6,
                           createdAt: "2026-11-28T00:00:01Z", refusedAt: "2026-12-01T00:00:00Z", errorCode: "MSG_SIZE_TOO_LARGE",
                           errorMessage: "too big"),
            RefusedMessage(seq: pending[2].seq, messageId: "m2", topic: "t2", key: Array("C-2".utf8), valueBytes: 6,
                           createdAt: "2026-11-28T00:00:02Z", refusedAt: "2026-12-01T00:00:01Z", errorCode: "INVALID_RECORD",
                           errorMessage: "bad"),
        ])
        // Only the named one goes back, behind what is already waiting, with its bytes and headers.
        #expect(try db.write { try RefusedOutbox.retry($0, seqs: [pending[2].seq, 999]) } == 1)
        #expect(try db.read { try RefusedOutbox.list($0) }.map(\.messageId) == ["m1"])
        var again = try db.read { try Outbox.pending($0, limit: 10) }
        #expect(again.map(\.messageId) == ["m0", "m3", "m2"])
        #expect(again[2].seq > pending[3].seq)
        #expect(again[2].value == binary + [2])
        // All the rest; the outbox keeps the original order among them.
        #expect(try db.write { try RefusedOutbox.retry($0) } == 1)
        again = try db.read { try Outbox.pending($0, limit: 10) }
        #expect(again.map(\.messageId) == ["m0", "m3", "m2", "m1"])
        #expect(again[3].headers == [.init(name: "bin", value: binary)])
        #expect(again[3].key == Array("C-1".utf8))
        #expect(try db.read { try RefusedOutbox.count($0) } == 0)
    }

    @Test func aFailedTransactionLeavesNothingBehind() throws {
        let (db, dir) = try temporaryDatabase()
        defer { try? FileManager.default.removeItem(at: dir) }
        struct Boom: Error {}
        #expect(throws: StoreError.self) {
            try db.write { db in
                try OffsetStore.advance(db, .init(topic: "orders", partition: 0), to: 5)
                try Outbox.append(db, OutboxMessage(messageId: "x", topic: "t", key: nil, value: [1]), createdAt: "now")
                throw Boom()
            }
        }
        #expect(try db.read { try OffsetStore.all($0) }.isEmpty)
        #expect(try db.read { try Outbox.backlog($0) } == 0)
    }

    @Test func readOnlyOpenNeedsAnExistingFileAndCannotWrite() throws {
        #expect(throws: StoreError.self) { _ = try CreditDatabase(readOnlyPath: "/nonexistent/creditd.sqlite") }
        let (db, dir) = try temporaryDatabase()
        defer { try? FileManager.default.removeItem(at: dir) }
        try db.write { try Meta.set($0, "k", "v") }
        let reader = try CreditDatabase(readOnlyPath: db.path)
        #expect(try reader.read { try Meta.get($0, "k") } == "v")
        #expect(!reader.isWritable())
        #expect(db.isWritable())
    }

    @Test func aMissingFolderIsNamedInTheError() throws {
        do {
            _ = try CreditDatabase(path: "/nonexistent-dir-\(UUID().uuidString)/creditd.sqlite")
            Issue.record("opening in a missing folder must fail")
        } catch {
            #expect(error.code == .cannotOpen)
            #expect(error.message.contains("does not exist"))
        }
    }
}
