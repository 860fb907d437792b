import CreditCore
@testable import CreditStore
import Foundation
import GRDB
import Testing
@testable import CreditDaemon

/// Customers are stored item by item (`customer_items`) with the ledger's window as its
/// differences from the ledger as of now, and each save writes only what changed. A daemon that
/// keeps every state in memory and one that reads every state back from its rows before each
/// batch must end with the same customers, the same outputs, and rows that load to the state
/// the first one holds in memory.
@Suite("Customers stored by item")
struct ItemStorageTests {
    /// Three customers, 400 events each (past the window of 256: entries move into the base), orders, shipments, payments (some naming invoices), returns, disputes and
    /// reversals, many of them late (times out of arrival order), so that windows re-fold and
    /// placeholders come and go.
    static func stream() -> [IncomingMessage] {
        var values: [String] = []
        for n in 0..<1200 {
            let customer = "C-\(n % 3)"
            // Every fourth event is dated a few hours before its neighbours: it arrives late.
            let hour = n / 6 + (n % 4 == 3 ? -7 : 0) + 10
            let time = String(format: "2026-01-%02dT%02d:%02d:00Z", 1 + hour / 24, hour % 24, n % 60)
            func add(_ type: String, _ data: String) {
                values.append(#"{"specversion":"1.0","id":"e\#(n)","source":"t","type":"\#(type)","time":"\#(time)","data":\#(data)}"#)
            }
            let order = n - n % 9
            switch n % 9 {
            case 0, 1:
                add("order.created", #"{"order_id":"O-\#(n)","customer_id":"\#(customer)","amount":"\#(200 + n % 7 * 50).00","currency":"EUR"}"#)
            case 2:
                add("order.amended", #"{"order_id":"O-\#(order)","customer_id":"C-\#(order % 3)","amount":"\#(150 + n % 5 * 40).00","currency":"EUR"}"#)
            case 3, 4:
                let shipped = n % 9 == 3 ? order : order + 1
                add("shipment.shipped", #"{"shipment_id":"S-\#(n)","order_id":"O-\#(shipped)","customer_id":"C-\#(shipped % 3)","invoice_id":"I-\#(shipped)","amount":"\#(100 + n % 3 * 25).00","currency":"EUR","due_date":"2026-01-\#(String(format: "%02d", 5 + n / 80))"}"#)
            case 5:
                add("payment.received", #"{"payment_id":"P-\#(n)","customer_id":"\#(customer)","amount":"\#(90 + n % 4 * 60).00","currency":"EUR"}"#)
            case 6:
                add("payment.received", #"{"payment_id":"P-\#(n)","customer_id":"C-\#(order % 3)","amount":"80.00","currency":"EUR","allocations":[{"invoice_id":"I-\#(order)","amount":"80.00"}]}"#)
            case 7:
                if n % 2 == 0 {
                    add("shipment.returned", #"{"shipment_id":"S-\#(order + 3)","customer_id":"C-\#(order % 3)","invoice_id":"I-\#(order)","amount":"30.00","currency":"EUR"}"#)
                } else {
                    add("dispute.opened", #"{"customer_id":"C-\#((order + 1) % 3)","invoice_id":"I-\#(order + 1)"}"#)
                }
            default:
                if n % 2 == 0 {
                    add("payment.reversed", #"{"payment_id":"P-\#(n - 3)","customer_id":"C-\#((n - 3) % 3)","reason":"NSF"}"#)
                } else {
                    add("dispute.resolved", #"{"customer_id":"C-\#((order + 1) % 3)","invoice_id":"I-\#(order + 1)"}"#)
                }
            }
        }
        return values.enumerated().map { IncomingMessage(topic: "in", partition: 0, offset: Int64($0), key: nil, value: Array($1.utf8)) }
    }

    struct Run {
        var outputs: [String] = []
        var dead = 0
        var stored: [CustomerState] = []
        var itemRows = 0
    }

    /// `cache`: how many states stay in memory between batches (0: every batch reads its
    /// customers back from their rows).
    static func run(_ name: String, in dir: URL, cache: Int, batch: Int, itemsApartFrom: Int = 0) throws -> Run {
        var config = DaemonConfig()
        config.databasePath = dir.appendingPathComponent("\(name).sqlite").path
        config.clock = .event
        config.instance = "creditd-test"
        config.stateCacheCustomers = cache
        config.itemsApartFrom = itemsApartFrom
        let database = try CreditDatabase(path: config.databasePath, durability: .normal)
        let processor = BatchProcessor(database: database, config: config, policy: WriterHandOverTests.policy(), policySource: "p")
        var run = Run()
        let messages = stream()
        for start in stride(from: 0, to: messages.count, by: batch) {
            let outcome = try processor.process(Array(messages[start..<min(start + batch, messages.count)]),
                                                wallNow: Timestamp(rfc3339: "2026-02-01T08:00:00Z")!)
            run.outputs += outcome.outputs.map(\.id)
            run.dead += outcome.deadLetters.count
        }
        try database.read { db in
            for id in try CustomerStore.ids(db) {
                var state = try #require(try StateCodec.load(db, id: id))
                try StateCodec.attachWindow(try #require(try CustomerStore.loadJournal(db, id: id)), to: &state)
                run.stored.append(state)
            }
            run.itemRows = try Int.fetchOne(db, sql: "SELECT count(*) FROM customer_items") ?? 0
        }
        return run
    }

    @Test func everyStateReadBackFromItsRowsGivesTheSameCustomers() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("creditd-items-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let kept = try Self.run("kept", in: dir, cache: 100, batch: 7)
        let reread = try Self.run("reread", in: dir, cache: 0, batch: 7)
        // Inside the state row until 150 items, then by item (two customers pass it, one does not).
        let moved = try Self.run("moved", in: dir, cache: 0, batch: 7, itemsApartFrom: 150)
        let inside = try Self.run("inside", in: dir, cache: 0, batch: 7, itemsApartFrom: .max)
        let whole = try Self.run("whole", in: dir, cache: 100, batch: 1200)
        #expect(kept.stored.count == 3)
        #expect(kept.dead == 0)
        #expect(kept.outputs.count > 300)
        #expect(reread.outputs == kept.outputs)
        #expect(reread.stored == kept.stored)
        #expect(whole.stored == kept.stored)
        #expect(moved.outputs == kept.outputs)
        #expect(moved.stored == kept.stored)
        #expect(inside.outputs == kept.outputs)
        #expect(inside.stored == kept.stored)
        #expect(inside.itemRows == 0)
        // One row per decision and per ledger item, nothing left over.
        let items = kept.stored.map { $0.orderDecisions.count + $0.ledger.itemCount }.reduce(0, +)
        #expect(kept.itemRows == items)
        #expect(reread.itemRows == items)
        let counts = kept.stored.map { $0.orderDecisions.count + $0.ledger.itemCount }
        #expect(counts.filter { $0 < 150 }.count == 1 && counts.filter { $0 >= 150 }.count == 2)
        #expect(moved.itemRows == counts.filter { $0 >= 150 }.reduce(0, +))
        // The rows hold what the engine computes from the events alone.
        var engine: [String: CustomerState] = [:]
        var sequence: Int64 = 0
        let decoder = EventDecoder(policy: WriterHandOverTests.policy(), maxMessageBytes: 1_000_000)
        for message in Self.stream() {
            guard case .success(let decoded) = decoder.decode(message.value) else { continue }
            sequence += 1
            let id = decoded.event.customerId
            var state = engine[id] ?? CreditEngine.newCustomer(id: id, policy: WriterHandOverTests.policy())
            _ = CreditEngine.apply(decoded.event, to: &state, context: DecisionContext(
                policy: WriterHandOverTests.policy(), now: decoded.event.time, instance: "creditd-test", arrivalSequence: sequence))
            engine[id] = state
        }
        #expect(kept.stored.map(\.ledger) == kept.stored.map { engine[$0.customerId]!.ledger })
        #expect(kept.stored.map(\.journal.base) == kept.stored.map { engine[$0.customerId]!.journal.base })
    }

    /// A customer written by the first versions (the whole journal inside the state row, no
    /// window row) and saved by a tick: its window is written apart, and it loads back whole.
    @Test func aWholeRowOfTheFirstVersionsGetsItsWindowWrittenByATick() throws {
        let path = NSTemporaryDirectory() + "items-whole-\(UUID().uuidString).sqlite"
        defer { for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: path + suffix) } }
        let database = try CreditDatabase(path: path, durability: .normal)
        let policy = WriterHandOverTests.policy()
        let decoder = EventDecoder(policy: policy, maxMessageBytes: 1_000_000)
        var state = CreditEngine.newCustomer(id: "C-0", policy: policy)
        for message in Self.stream()[..<900] {
            guard case .success(let decoded) = decoder.decode(message.value), decoded.event.customerId == "C-0" else { continue }
            _ = CreditEngine.apply(decoded.event, to: &state, context: DecisionContext(
                policy: policy, now: decoded.event.time, instance: "creditd-test", arrivalSequence: message.offset + 1))
        }
        #expect(state.journal.base.itemCount > 0, "entries have left the window")
        let today = LocalDate(year: 2026, month: 2, day: 1)!
        try database.write { db in
            try CustomerStore.save(db, id: "C-0", state: try CompactEncoder().encode(state),
                                   flags: StateCodec.flags(state, today: today, policy: policy), updatedAt: "t")
        }
        var cache = CustomerCache(capacity: 0)
        try database.write { db in
            var ticked = try cache.state(db, "C-0", policy: policy, withWindow: false)
            ticked.name = "renamed"
            cache.update(ticked)
            try cache.flush(db, updatedAt: "t", today: today, policy: policy)
        }
        state.name = "renamed"
        try database.read { db in
            var stored = try #require(try StateCodec.load(db, id: "C-0"))
            try StateCodec.attachWindow(try #require(try CustomerStore.loadJournal(db, id: "C-0")), to: &stored)
            #expect(stored == state)
            #expect(stored.journal.base == state.journal.base)
        }
    }

    /// A customer written by the previous version (decisions and ledger inside the state row,
    /// the window's base whole) reads as before; its next save moves its items into rows, and
    /// a scheduler-style save without the window leaves the old window readable beside them.
    @Test func aRowOfThePreviousVersionIsReadAndRewrittenByItem() throws {
        let path = NSTemporaryDirectory() + "items-upgrade-\(UUID().uuidString).sqlite"
        defer { for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: path + suffix) } }
        let database = try CreditDatabase(path: path, durability: .normal)
        let policy = WriterHandOverTests.policy()
        let decoder = EventDecoder(policy: policy, maxMessageBytes: 1_000_000)
        var state = CreditEngine.newCustomer(id: "C-0", policy: policy)
        func apply(_ message: IncomingMessage, to state: inout CustomerState) {
            guard case .success(let decoded) = decoder.decode(message.value), decoded.event.customerId == "C-0" else { return }
            _ = CreditEngine.apply(decoded.event, to: &state, context: DecisionContext(
                policy: policy, now: decoded.event.time, instance: "creditd-test", arrivalSequence: message.offset + 1))
        }
        let messages = Self.stream()
        for message in messages[..<600] { apply(message, to: &state) }
        let today = LocalDate(year: 2026, month: 2, day: 1)!
        try database.write { db in
            try CustomerStore.save(db, id: "C-0", state: StateFormat.encodeState(state, version: 2),
                                   journal: StateFormat.encodeWindow(state.journal, version: 2),
                                   flags: StateCodec.flags(state, today: today, policy: policy), updatedAt: "t")
        }
        // What those rows hold: no invoice knows its shipments (version 7 on).
        let window = state.journal
        state = try StateFormat.readState(StateFormat.encodeState(state, version: 2))
        state.journal.attachWindow(try StateFormat.readWindow(StateFormat.encodeWindow(window, version: 2)))
        #expect(state.ledger.invoices.values.allSatisfy { $0.shipmentIds.isEmpty } && !state.ledger.invoices.isEmpty)
        var cache = CustomerCache(capacity: 0, itemsApartFrom: 0)
        try database.write { db in
            // A tick reads it without its window and saves a customer-level change.
            var ticked = try cache.state(db, "C-0", policy: policy, withWindow: false)
            #expect(ticked.ledger == state.ledger)
            ticked.name = "renamed"
            cache.update(ticked)
            try cache.flush(db, updatedAt: "t", today: today, policy: policy)
        }
        state.name = "renamed"
        // A row of the previous version carries no scoring day (version 4 on) and no default
        // limit seen (version 6 on).
        state.scoredOn = nil
        state.defaultLimitSeen = nil
        let rows = try database.read { db in try Int.fetchOne(db, sql: "SELECT count(*) FROM customer_items") ?? 0 }
        #expect(rows == state.orderDecisions.count + state.ledger.itemCount)
        try database.write { db in
            // An event reads it with its window (still in the version 2 form) and records more.
            var loaded = try cache.state(db, "C-0", policy: policy)
            #expect(loaded == state)
            for message in messages[600...] { apply(message, to: &loaded); apply(message, to: &state) }
            cache.update(loaded)
            try cache.flush(db, updatedAt: "t", today: today, policy: policy)
        }
        try database.read { db in
            let window = try #require(try CustomerStore.loadJournal(db, id: "C-0"))
            #expect(window[2] == UInt8(StateFormat.version), "the window was rewritten in the current form")
            var stored = try #require(try StateCodec.load(db, id: "C-0"))
            try StateCodec.attachWindow(window, to: &stored)
            #expect(stored == state)
            #expect(stored.journal.base == state.journal.base)
        }
    }
}
