import CreditCore
import CreditStore
import Foundation
import GRDB
import Testing
@testable import CreditDaemon

/// The writer hands pure work to other threads: decoding a large batch ahead of it, and
/// rendering outputs beside it. Whatever the threads do, the results must be the ones the writer
/// would have computed itself, in the same order.
@Suite("Work handed over by the writer")
struct WriterHandOverTests {
    static func order(_ index: Int, customer: Int) -> [UInt8] {
        let json = #"{"specversion":"1.0","id":"o\#(index)","source":"t","type":"order.created","time":"2026-02-27T10:00:\#(String(format: "%02d", index % 60))Z","data":{"order_id":"O-\#(index)","customer_id":"C-\#(customer)","amount":"\#(100 + index).00","currency":"EUR"}}"#
        return Array(json.utf8)
    }

    static func policy() -> Policy {
        var policy = Policy(version: "1", currency: Currency(code: "EUR")!)
        policy.customers.defaultLimit = DecimalAmount("2000.00")
        policy.dunning.levels = [
            DunningLevel(level: 1, name: "reminder", daysPastDue: 1, minAmount: DecimalAmount("10.00")),
            DunningLevel(level: 2, name: "second notice", daysPastDue: 3, minAmount: DecimalAmount("10.00"), blocksCustomer: true),
        ]
        return policy
    }

    /// Every message of a batch of several chunks, bad ones among them, decodes to what the
    /// decoder gives it directly, at its own index; so does a small batch decoded in place.
    @Test(arguments: [10, 2 * DecodedBatch.chunkSize + 45])
    func aDecodedBatchGivesEachMessagesOwnResult(count: Int) {
        let decoder = EventDecoder(policy: Self.policy(), maxMessageBytes: 1_000_000)
        let messages = (0..<count).map { index in
            let value = index % 7 == 3 ? Array("{not json \(index)".utf8) : Self.order(index, customer: index % 5)
            return IncomingMessage(topic: "orders", partition: 0, offset: Int64(index), key: nil, value: value)
        }
        var batch = DecodedBatch(messages, decoder: decoder, queue: DispatchQueue(label: "test.decode"))
        for (index, message) in messages.enumerated() {
            #expect(batch.result(at: index) == decoder.decode(message.value), "message \(index)")
        }
    }

    /// A batch with many outputs (rendered on the renderer's thread, handed back in groups): the
    /// outbox and the audit trail hold them in the order the engine produced them, the chain is
    /// intact, and its head is recorded; a second batch chains on.
    @Test func renderedOutputsLandInTheOutboxAndTheTrailInOrder() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("creditd-handover-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        var config = DaemonConfig()
        config.databasePath = dir.appendingPathComponent("c.sqlite").path
        config.clock = .wall
        config.instance = "creditd-test"
        let database = try CreditDatabase(path: config.databasePath, durability: .normal)
        let processor = BatchProcessor(database: database, config: config, policy: Self.policy(), policySource: "p")
        let now = Timestamp(rfc3339: "2026-03-01T08:00:00Z")!
        var produced: [String] = []
        for batch in 0..<2 {
            let messages = (0..<300).map { index in
                IncomingMessage(topic: "orders", partition: 0, offset: Int64(batch * 300 + index), key: nil,
                                value: Self.order(batch * 300 + index, customer: index % 13))
            }
            let outcome = try processor.process(messages, wallNow: now)
            #expect(outcome.applied == 300)
            produced += outcome.outputs.map(\.id)
        }
        #expect(produced.count > 2 * 300)
        let (outbox, trail, verification) = try database.read { db in
            (try Outbox.pending(db, limit: 10_000).map(\.messageId),
             try AuditLog.entries(db).map { $0.bodyValue?["event_id"]?.stringValue ?? "" },
             try AuditLog.verify(db))
        }
        #expect(outbox == produced)
        #expect(trail == produced)
        #expect(verification.isIntact)
        #expect(verification.recordedHead?.sequence == Int64(produced.count))
    }

    /// Orders, shipments and payments of 7 customers over 10 days, with a repeat, a conflicting
    /// repeat and a bad message among them.
    static func stream() -> [IncomingMessage] {
        var values: [String] = []
        func add(_ index: Int, _ type: String, _ id: String, _ data: String) {
            let time = String(format: "2026-01-%02dT10:%02d:%02dZ", 1 + index / 40, index % 60, index % 60)
            values.append(#"{"specversion":"1.0","id":"\#(id)","source":"t","type":"\#(type)","time":"\#(time)","data":\#(data)}"#)
        }
        for n in 0..<400 {
            let customer = "C-\(n % 7)"
            switch n % 5 {
            case 0, 1, 2:
                add(n, "order.created", "o\(n)", #"{"order_id":"O-\#(n)","customer_id":"\#(customer)","amount":"\#(300 + n % 9 * 100).00","currency":"EUR"}"#)
            case 3:
                let order = n - 3
                add(n, "shipment.shipped", "s\(n)", #"{"shipment_id":"S-\#(n)","order_id":"O-\#(order)","customer_id":"C-\#(order % 7)","invoice_id":"I-\#(n)","amount":"300.00","currency":"EUR","due_date":"2026-01-0\#(2 + n / 100)"}"#)
            default:
                add(n, "payment.received", "p\(n)", #"{"payment_id":"P-\#(n)","customer_id":"\#(customer)","amount":"700.00","currency":"EUR"}"#)
            }
        }
        values.insert(values[10], at: 50)
        values.insert(values[11].replacingOccurrences(of: "\"amount\":\"", with: "\"amount\":\"1"), at: 90)
        values.insert("{bad", at: 120)
        return values.enumerated().map { IncomingMessage(topic: "in", partition: 0, offset: Int64($0), key: nil, value: Array($1.utf8)) }
    }

    /// The same stream as one batch (segments applied on two cores, split at the event clock's
    /// ticks) and one message per batch (every event applied alone): the same outputs in the same
    /// order, the same audit trail and the same stored customers.
    @Test(arguments: [DaemonConfig.Clock.wall, .event])
    func aBatchAppliedOnTwoCoresEqualsOneEventAtATime(clock: DaemonConfig.Clock) throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("creditd-segments-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let now = Timestamp(rfc3339: "2026-01-12T08:00:00Z")!
        let messages = Self.stream()
        func run(_ name: String, batches: [[IncomingMessage]]) throws -> (outputs: [OutputEvent], ticks: Int, rows: [[String]], states: [CustomerState]) {
            var config = DaemonConfig()
            config.databasePath = dir.appendingPathComponent("\(name).sqlite").path
            config.clock = clock
            config.instance = "creditd-test"
            let database = try CreditDatabase(path: config.databasePath, durability: .normal)
            let processor = BatchProcessor(database: database, config: config, policy: Self.policy(), policySource: "p")
            var outputs: [OutputEvent] = []
            var ticks = 0
            for batch in batches {
                let outcome = try processor.process(batch, wallNow: now)
                outputs += outcome.outputs
                ticks += outcome.ticksRun.count
            }
            let rows = try database.read { db in
                [try String.fetchAll(db, sql: "SELECT message_id FROM outbox ORDER BY seq"),
                 try String.fetchAll(db, sql: "SELECT sequence || ' ' || body || ' ' || hash FROM audit_log ORDER BY sequence"),
                 try String.fetchAll(db, sql: "SELECT customer_id || ' ' || invoice_id || ' ' || date || ' ' || delta FROM receivable_movements ORDER BY rowid")]
            }
            // Compared decoded: the stored bytes list a dictionary in its own iteration order.
            let states = try database.read { db in
                try String.fetchAll(db, sql: "SELECT customer_id FROM customers ORDER BY customer_id").map { id in
                    try #require(try StateCodec.load(db, id: id))
                }
            }
            return (outputs, ticks, rows, states)
        }
        let together = try run("together", batches: [messages])
        let alone = try run("alone", batches: messages.map { [$0] })
        #expect(together.outputs.count > 300)
        #expect(together.outputs == alone.outputs)
        for (table, (a, b)) in zip(together.rows, alone.rows).enumerated() {
            let first = (0..<min(a.count, b.count)).first { a[$0] != b[$0] } ?? (a.count == b.count ? nil : min(a.count, b.count))
            #expect(first == nil, "table \(table), row \(first ?? 0): \(first.flatMap { a.indices.contains($0) ? a[$0] : nil } ?? "none") vs \(first.flatMap { b.indices.contains($0) ? b[$0] : nil } ?? "none")")
        }
        #expect(together.rows[2].count > 10)
        #expect(together.states.count == 7)
        #expect(together.states == alone.states)
        if clock == .event {
            #expect(together.ticks >= 5 && together.ticks == alone.ticks)
            #expect(together.outputs.contains { $0.type == .dunningNotice })
        }
    }

    /// A dead letter keeps the record's headers, except one whose name is longer than a stored
    /// row can hold (Kafka allows it): that one is left out and counted, and the row reads back.
    @Test func aDeadLetterLeavesOutAHeaderNameTooLongToStore() throws {
        let path = NSTemporaryDirectory() + "deadletter-\(UUID().uuidString).sqlite"
        defer { for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: path + suffix) } }
        let processor = try SchedulerTests.processor(path)
        let long = String(repeating: "h", count: OutboxMessage.Header.maxNameBytes + 1)
        let message = IncomingMessage(topic: "orders", partition: 0, offset: 7, key: nil, value: Array("not json".utf8),
                                      headers: [("trace", Array("t-1".utf8)), (long, Array("x".utf8))])
        let outcome = try processor.process([message], wallNow: Timestamp(rfc3339: "2026-03-01T08:00:00Z")!)
        #expect(outcome.deadLetters.count == 1)
        let rows = try processor.database.read { db in try Outbox.pending(db, limit: 10) }
        let names = rows.first?.headers.map(\.name) ?? []
        #expect(names.first == "trace")
        #expect(!names.contains(long))
        #expect(rows.first?.headers.first { $0.name == "creditd-dropped-headers" }?.value == Array("1".utf8))
    }
}
