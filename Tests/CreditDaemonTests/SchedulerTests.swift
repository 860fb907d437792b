import CreditCore
import CreditStore
import Foundation
import GRDB
import Testing
@testable import CreditDaemon

/// The wall-clock scheduler through the real single writer and a real SQLite file: a tick runs in
/// chunks, each its own transaction; a process that dies between chunks is replaced by a new one
/// that resumes after the last committed customer, so no notice is lost or published twice.
@Suite("Scheduler ticks", .serialized)
struct SchedulerTests {
    static let now = Timestamp(rfc3339: "2026-03-01T08:00:00Z")!

    static func policy() -> Policy {
        var policy = Policy(version: "sched-1", currency: Currency(code: "EUR")!)
        policy.customers.defaultLimit = DecimalAmount("100000.00")
        policy.dunning.levels = [
            DunningLevel(level: 1, name: "friendly reminder", daysPastDue: 1, minAmount: DecimalAmount("10.00")),
            DunningLevel(level: 2, name: "second notice", daysPastDue: 15, minAmount: DecimalAmount("10.00")),
        ]
        return policy
    }

    static func processor(_ path: String) throws -> BatchProcessor {
        var config = DaemonConfig()
        config.databasePath = path
        config.clock = .wall
        config.instance = "creditd-test"
        return BatchProcessor(database: try CreditDatabase(path: path, durability: .normal), config: config,
                              policy: policy(), policySource: nil)
    }

    /// `customers` customers, each with one invoice due on 2026-01-31 (so 29 days past due on
    /// the tick of 2026-03-01); every third one also has a paid invoice (not dunned).
    static func feed(_ processor: BatchProcessor, customers: Int) throws {
        var messages: [IncomingMessage] = []
        func add(_ type: String, _ id: String, _ data: String) {
            let json = #"{"specversion":"1.0","id":"\#(id)","source":"t","type":"\#(type)","time":"2026-01-01T10:00:00Z","data":\#(data)}"#
            messages.append(IncomingMessage(topic: "in", partition: 0, offset: Int64(messages.count), key: nil, value: Array(json.utf8)))
        }
        for n in 0..<customers {
            let c = String(format: "C-%05d", n)
            add("order.created", "o\(n)", #"{"order_id":"O-\#(n)","customer_id":"\#(c)","amount":"500.00","currency":"EUR"}"#)
            add("shipment.shipped", "s\(n)", #"{"shipment_id":"S-\#(n)","order_id":"O-\#(n)","customer_id":"\#(c)","invoice_id":"I-\#(n)","amount":"500.00","currency":"EUR","due_date":"2026-01-31"}"#)
            if n % 3 == 0 {
                add("payment.received", "p\(n)", #"{"payment_id":"P-\#(n)","customer_id":"\#(c)","amount":"500.00","currency":"EUR"}"#)
            }
        }
        for start in stride(from: 0, to: messages.count, by: 2000) {
            _ = try processor.process(Array(messages[start..<min(start + 2000, messages.count)]), wallNow: now)
        }
    }

    static func notices(_ path: String) throws -> [String: String] {
        let database = try CreditDatabase(readOnlyPath: path)
        return try database.read { db in
            var result: [String: String] = [:]
            for row in try Row.fetchAll(db, sql: "SELECT message_id, value FROM outbox WHERE topic = 'credit.dunning'") {
                let id: String = row[0]
                #expect(result[id] == nil, "notice \(id) written twice")
                result[id] = String(decoding: row[1] as Data, as: UTF8.self)
            }
            return result
        }
    }

    @Test func aTickInterruptedBetweenChunksResumesWithNothingLostOrDoubled() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("creditd-sched-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let customers = 2500
        let dunned = customers - (customers + 2) / 3

        // Uninterrupted.
        let straight = folder.appendingPathComponent("straight.sqlite").path
        var processor = try Self.processor(straight)
        try Self.feed(processor, customers: customers)
        var steps = 0
        while try processor.schedulerStep(wallNow: Self.now).busy { steps += 1 }
        #expect(steps >= 1, "the tick must take several chunks")
        // The same tick never runs twice.
        let again = try processor.schedulerStep(wallNow: Self.now)
        #expect(!again.busy && again.outcome.outputs.isEmpty)
        let expected = try Self.notices(straight)
        #expect(expected.count == dunned)

        // Interrupted after the first chunk: a new process (empty cache) carries on.
        let interrupted = folder.appendingPathComponent("interrupted.sqlite").path
        processor = try Self.processor(interrupted)
        try Self.feed(processor, customers: customers)
        let first = try processor.schedulerStep(wallNow: Self.now)
        #expect(first.busy)
        #expect(first.outcome.outputs.count == BatchProcessor.tickChunk)
        processor = try Self.processor(interrupted)
        while try processor.schedulerStep(wallNow: Self.now).busy {}
        #expect(try Self.notices(interrupted) == expected)

        let ticks = try CreditDatabase(readOnlyPath: interrupted).read { db in try TickStore.latest(db) }
        #expect(ticks?.finished == true)
        #expect(ticks?.customers == dunned)
        // Each chunk appends to the audit trail with one head read and write: the chain and the
        // recorded head must come out whole, whether or not the tick was interrupted.
        for path in [straight, interrupted] {
            #expect(try CreditDatabase(readOnlyPath: path).read { try AuditLog.verify($0) }.isIntact)
        }
        #expect(ticks?.time == Timestamp(rfc3339: "2026-03-01T00:00:00Z"))
    }

    /// Wall clock, no catch-up: a tick left unfinished by a stop is resumed only while it is still
    /// the latest due. After a longer stop the newer tick visits everyone instead, with its own
    /// date, and no letter is dated back to the old tick's day for those it had not reached.
    @Test func anUnfinishedTickIsNotResumedOnceANewerOneIsDue() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("creditd-sched-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let customers = 2500
        let dunned = customers - (customers + 2) / 3
        let path = folder.appendingPathComponent("late.sqlite").path
        var processor = try Self.processor(path)
        try Self.feed(processor, customers: customers)
        let first = try processor.schedulerStep(wallNow: Self.now)
        #expect(first.busy && first.outcome.outputs.count == BatchProcessor.tickChunk)

        // Back nineteen days later.
        let later = Timestamp(rfc3339: "2026-03-20T08:00:00Z")!
        processor = try Self.processor(path)
        var abandoned: [Timestamp] = []
        var ran: [Timestamp] = []
        var step = try processor.schedulerStep(wallNow: later)
        abandoned += step.outcome.ticksAbandoned
        ran += step.outcome.ticksRun
        while step.busy {
            step = try processor.schedulerStep(wallNow: later)
            abandoned += step.outcome.ticksAbandoned
            ran += step.outcome.ticksRun
        }
        #expect(abandoned == [Timestamp(rfc3339: "2026-03-01T00:00:00Z")!])
        #expect(ran == [Timestamp(rfc3339: "2026-03-20T00:00:00Z")!])
        let notices = try Self.notices(path).values.compactMap { value -> (time: String, level: Int)? in
            guard case .success(let object) = JSONParser.parse(Array(value.utf8)), let time = object["time"]?.stringValue,
                  case .number(let text)? = object["data"]?["level"], let level = Int(text) else { return nil }
            return (time, level)
        }
        // The first chunk's customers got level 1 on March 1 and level 2 on March 20 (19 days
        // after the first, past the 15-day mark); everyone else level 1 on March 20 only.
        let onFirst = notices.filter { $0.time.hasPrefix("2026-03-01") }
        let onTwentieth = notices.filter { $0.time.hasPrefix("2026-03-20") }
        #expect(onFirst.count == BatchProcessor.tickChunk)
        #expect(onFirst.allSatisfy { $0.level == 1 })
        #expect(onTwentieth.count == dunned)
        #expect(onTwentieth.filter { $0.level == 2 }.count == BatchProcessor.tickChunk)
        #expect(notices.count == dunned + BatchProcessor.tickChunk)
        #expect(try CreditDatabase(readOnlyPath: path).read { try TickStore.unfinished($0) }.isEmpty)
    }

    @Test func aCustomerWithNothingOverdueIsNotVisited() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("creditd-sched-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let path = folder.appendingPathComponent("db.sqlite").path
        let processor = try Self.processor(path)
        try Self.feed(processor, customers: 3)
        let attention = try CreditDatabase(readOnlyPath: path).read { db in
            try Row.fetchAll(db, sql: "SELECT customer_id, a.attention_on FROM customers LEFT JOIN customer_attention a USING (customer_id) ORDER BY customer_id")
                .map { ($0[0] as String, $0[1] as String?) }
        }
        // C-00000 paid: nothing time-based pending; the others from the day after the due date.
        #expect(attention.map(\.0) == ["C-00000", "C-00001", "C-00002"])
        #expect(attention.map(\.1) == [nil, "2026-02-01", "2026-02-01"])
    }

    /// A chunk takes a customer the events left in the cache from there, and reads any other one
    /// from storage (decoded and encoded on two threads, written back without entering the
    /// cache): both ways must end in the same rows and publish the same outputs.
    @Test func aTickFromTheCacheAndATickFromStorageEndTheSame() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("creditd-sched-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let customers = 300
        func run(_ name: String, freshProcessor: Bool) throws -> (outputs: [String], state: String) {
            let path = folder.appendingPathComponent(name).path
            var processor = try Self.processor(path)
            try Self.feed(processor, customers: customers)
            if freshProcessor { processor = try Self.processor(path) }
            #expect(processor.stateCache.holds("C-00001") == !freshProcessor)
            var outputs: [String] = []
            while true {
                let step = try processor.schedulerStep(wallNow: Self.now)
                outputs += step.outcome.outputs.map { String(decoding: $0.jsonBytes(), as: UTF8.self) }
                if !step.busy { break }
            }
            // Customers read from storage are not cached by the tick; cached ones stay cached.
            #expect(processor.stateCache.holds("C-00001") == !freshProcessor)
            let database = try CreditDatabase(readOnlyPath: path)
            let states = try database.read { db in try StateCodec.loadAll(db) }
            let rows = try database.read { db in
                try Row.fetchAll(db, sql: "SELECT customer_id, a.attention_on, overdue, blocked, exposure FROM customers LEFT JOIN customer_attention a USING (customer_id) ORDER BY customer_id")
                    .map { "\($0[0] as String) \($0[1] as String?) \($0[2] as Int) \($0[3] as Int) \($0[4] as String)" }
            }
            let document = StateExport.document(states, policy: Self.policy(), asOf: LocalDate(year: 2026, month: 3, day: 1)!)
            return (outputs, String(decoding: document.serialized(), as: UTF8.self) + rows.joined(separator: "\n"))
        }
        let cached = try run("cached.sqlite", freshProcessor: false)
        let stored = try run("stored.sqlite", freshProcessor: true)
        #expect(cached.outputs.filter { $0.contains("\"dunning.notice\"") }.count == customers - (customers + 2) / 3)
        #expect(stored.outputs == cached.outputs)
        #expect(stored.state == cached.state)
    }
}
