import CreditCore
import CreditStore
import Foundation
import GRDB
import Testing
@testable import CreditDaemon

/// How `creditd replay` splits its file: one event per line, `\n` or `\r\n`, blank lines skipped
/// but counted (dead letters name the line), the last line with or without its newline.
@Suite("Replay file lines")
struct ReplayFileTests {
    private static func order(_ n: Int) -> String {
        #"{"specversion":"1.0","id":"o-\#(n)","source":"test","type":"order.created","time":"2026-02-01T10:00:0\#(n)Z","data":{"order_id":"O-\#(n)","customer_id":"C-1","amount":"10.00","currency":"EUR"}}"#
    }

    private static func replay(_ text: String, database: String? = nil, policy: Policy = SchedulerTests.policy()) throws
        -> (summary: ReplayRunner.Summary, outputs: [String], deadLetters: [String]) {
        let file = NSTemporaryDirectory() + "replay-\(UUID().uuidString).jsonl"
        defer { try? FileManager.default.removeItem(atPath: file) }
        try Data(text.utf8).write(to: URL(fileURLWithPath: file))
        var config = DaemonConfig()
        config.batchMaxMessages = 2
        let runner = ReplayRunner(config: config, policy: policy, policySource: nil, databasePath: database)
        var outputs = Data()
        var letters = Data()
        let summary = try runner.run(eventsFile: file, output: { outputs.append($0) }, deadLetters: { letters.append($0) })
        func lines(_ data: Data) -> [String] { String(decoding: data, as: UTF8.self).split(separator: "\n").map(String.init) }
        return (summary, lines(outputs), lines(letters))
    }

    /// One of C-1's events as a replay line, at `time` (RFC 3339).
    static func event(_ id: String, _ type: String, at time: String, _ data: String) -> String {
        #"{"specversion":"1.0","id":"\#(id)","source":"test","type":"\#(type)","time":"\#(time)","data":{"customer_id":"C-1",\#(data)}}"#
    }

    /// Runs `body` with the path of a fresh database file, removed afterwards.
    static func withDatabase<T>(_ body: (String) throws -> T) rethrows -> T {
        let path = NSTemporaryDirectory() + "replay-db-\(UUID().uuidString).sqlite"
        defer { for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: path + suffix) } }
        return try body(path)
    }

    @Test func crlfBlankLinesAndNoFinalNewline() throws {
        let text = Self.order(1) + "\r\n" + "\n" + "  \t\r\n" + Self.order(2) + "\n" + "not json\r\n" + Self.order(3)
        let result = try Self.replay(text)
        #expect(result.summary.lines == 6)
        #expect(result.summary.applied == 3)
        #expect(result.summary.deadLetters == 1)
        #expect(result.deadLetters.count == 1)
        #expect(result.deadLetters.first?.contains(#""line":5"#) == true)
        let approved = result.outputs.filter { $0.contains(#""type":"credit.order.approved""#) }
        #expect(approved.count == 3)
        #expect(["O-1", "O-2", "O-3"].allSatisfy { id in approved.contains { $0.contains(#""order_id":"\#(id)""#) } })
    }

    @Test func anEmptyFileAndOneWithoutEvents() throws {
        #expect(try Self.replay("").summary.lines == 0)
        let blank = try Self.replay("\n\r\n \n")
        #expect(blank.summary.lines == 3)
        #expect(blank.summary.applied == 0)
        #expect(blank.outputs.isEmpty)
    }

    /// A gap in event time longer than the catch-up cap runs only the latest ticks; the replay
    /// says so, as a JSON line beside the dead letters, naming the line that passed them.
    @Test func aGapLongerThanTheCatchUpCapIsReported() throws {
        let late = #"{"specversion":"1.0","id":"o-late","source":"test","type":"order.created","time":"2056-01-01T10:00:00Z","data":{"order_id":"O-9","customer_id":"C-1","amount":"10.00","currency":"EUR"}}"#
        let result = try Self.replay(Self.order(1) + "\n" + late + "\n")
        #expect(result.summary.applied == 2)
        // Daily ticks from 2026-02-02 to 2056-01-01: 10,926, of which the latest 10,000 run.
        #expect(result.deadLetters.count == 1)
        let warning = try #require(result.deadLetters.first)
        #expect(warning.contains(#""line":2"#) && warning.contains(#""warning":"ticks_skipped""#), "\(warning)")
        #expect(warning.contains("926 scheduler ticks before 2028-08-16T00:00:00Z"), "\(warning)")
        #expect(result.summary.deadLetters == 0)
    }

    /// A replay prints its outputs and publishes nothing: its database keeps the audit trail of
    /// every output (the back-test can be audited) and no outbox rows.
    @Test func aReplayAuditsItsOutputsAndLeavesNothingToPublish() throws {
        let path = NSTemporaryDirectory() + "replay-db-\(UUID().uuidString).sqlite"
        defer { for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: path + suffix) } }
        let result = try Self.replay([Self.order(1), "not json", Self.order(2), Self.order(3)].joined(separator: "\n"), database: path)
        #expect(result.summary.deadLetters == 1)
        #expect(result.outputs.count >= 3)
        let queue = try DatabaseQueue(path: path)
        let (outbox, audited) = try queue.read { db in
            (try Outbox.backlog(db), try Int.fetchOne(db, sql: "SELECT count(*) FROM audit_log") ?? 0)
        }
        #expect(outbox == 0)
        #expect(audited == result.outputs.count)
    }
    /// An order or payment created again under another event id changes nothing (the earlier
    /// in business time stands) and is reported, naming its line; a first creation, an
    /// amendment and a payment of another id are not.
    @Test func anOrderOrPaymentIdCreatedAgainIsReported() throws {
        func event(_ id: String, _ type: String, _ second: Int, _ data: String) -> String {
            #"{"specversion":"1.0","id":"\#(id)","source":"test","type":"\#(type)","time":"2026-02-01T10:00:0\#(second)Z","data":{"customer_id":"C-1",\#(data)}}"#
        }
        let lines = [
            event("o-1", "order.created", 1, #""order_id":"O-1","amount":"100.00","currency":"EUR""#),
            event("o-1-again", "order.created", 2, #""order_id":"O-1","amount":"900.00","currency":"EUR""#),
            event("a-1", "order.amended", 3, #""order_id":"O-1","amount":"150.00","currency":"EUR""#),
            event("p-1", "payment.received", 4, #""payment_id":"P-1","amount":"40.00","currency":"EUR""#),
            event("p-2", "payment.received", 5, #""payment_id":"P-2","amount":"10.00","currency":"EUR""#),
            event("p-1-again", "payment.received", 6, #""payment_id":"P-1","amount":"30.00","currency":"EUR""#),
        ]
        let path = NSTemporaryDirectory() + "replay-db-\(UUID().uuidString).sqlite"
        defer { for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: path + suffix) } }
        let result = try Self.replay(lines.joined(separator: "\n"), database: path)
        #expect(result.summary.applied == 6)
        #expect(result.summary.deadLetters == 0)
        #expect(result.deadLetters.count == 2, "\(result.deadLetters)")
        let order = try #require(result.deadLetters.first { $0.contains(#""line":2"#) })
        #expect(order.contains(#""warning":"repeated_id""#) && order.contains(#"repeats data.order_id \"O-1\""#)
                    && order.contains(#"\"test/o-1-again\""#) && order.contains("order.amended"), "\(order)")
        let payment = try #require(result.deadLetters.first { $0.contains(#""line":6"#) })
        #expect(payment.contains(#"repeats data.payment_id \"P-1\""#), "\(payment)")
        // Neither repeat changed the figures: the order stands at its amendment, 50.00 received.
        let state = try DatabaseQueue(path: path).read { db in try StateCodec.load(db, id: "C-1") }
        let customer = try #require(state)
        let amended = try DecimalAmount.parse("150.00").get(), received = try DecimalAmount.parse("50.00").get()
        #expect(customer.ledger.orders["O-1"]?.total == amended)
        #expect(customer.ledger.payments.values.reduce(DecimalAmount.zero) { $0 + $1.amount } == received)
    }

    /// Holds that end without a release (the order cancelled, or shipped in full against the
    /// hold) are recorded as ended, so the report's "still held" counts only what is held.
    @Test func holdsEndedByACancellationOrAFullShipmentAreNotStillHeld() throws {
        func event(_ id: String, _ type: String, _ minute: Int, _ data: String) -> String {
            #"{"specversion":"1.0","id":"\#(id)","source":"test","type":"\#(type)","time":"2026-02-01T10:\#(String(format: "%02d", minute)):00Z","data":{"customer_id":"C-1",\#(data)}}"#
        }
        let lines = [
            event("o-1", "order.created", 1, #""order_id":"O-1","amount":"150000.00","currency":"EUR""#),
            event("o-2", "order.created", 2, #""order_id":"O-2","amount":"160000.00","currency":"EUR""#),
            event("o-3", "order.created", 3, #""order_id":"O-3","amount":"170000.00","currency":"EUR""#),
            event("x-1", "order.cancelled", 4, #""order_id":"O-1""#),
            event("s-2a", "shipment.shipped", 5, #""shipment_id":"S-2a","order_id":"O-2","invoice_id":"I-2","amount":"60000.00","currency":"EUR""#),
            event("s-2b", "shipment.shipped", 6, #""shipment_id":"S-2b","order_id":"O-2","invoice_id":"I-2","amount":"100000.00","currency":"EUR""#),
        ]
        let path = NSTemporaryDirectory() + "replay-db-\(UUID().uuidString).sqlite"
        defer { for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: path + suffix) } }
        let result = try Self.replay(lines.joined(separator: "\n"), database: path)
        #expect(result.summary.applied == 6)
        #expect(result.outputs.filter { $0.contains("credit.order.held") }.count == 3)
        let rows = try DatabaseQueue(path: path).read { db in
            try Row.fetchAll(db, sql: "SELECT order_id, ended_how, ended_at FROM holds ORDER BY order_id").map {
                [$0[0] as String, ($0[1] as String?) ?? "-", ($0[2] as String?) ?? "-"]
            }
        }
        #expect(rows == [["O-1", "cancelled", "2026-02-01T10:04:00Z"], ["O-2", "shipped", "2026-02-01T10:06:00Z"], ["O-3", "-", "-"]], "\(rows)")
        let book = try DatabaseQueue(path: path).read { db in
            try CollectionHistory.book(db, currency: Currency(code: "EUR")!, dunningLevels: [])
        }
        let stats = HoldStats.of(book.holds, asOf: LocalDate(year: 2026, month: 2, day: 1)!, periodDays: 30)
        #expect(stats.count == 3 && stats.endedUnreleased == 2 && stats.stillHeld == 1, "\(stats)")
        // The audit trail says how each hold ended, in the chain with the decisions.
        let ended = try DatabaseQueue(path: path).read { db in
            try Row.fetchAll(db, sql: "SELECT causation_id, body FROM audit_log WHERE kind = 'order.hold_ended' ORDER BY sequence")
                .map { [$0[0] as String, $0[1] as String] }
        }
        #expect(ended.count == 1, "\(ended)")
        #expect(ended.first?[0] == "x-1" && ended.first?[1].contains("ORDER_CANCELLED") == true, "\(ended)")
        // The full shipment's end is its alert's entry, with nothing left open.
        let shipped = try DatabaseQueue(path: path).read { db in
            try String.fetchOne(db, sql: "SELECT body FROM audit_log WHERE kind = 'alert' AND causation_id = 's-2b'")
        }
        #expect(shipped?.contains("SHIPPED_WHILE_HELD") == true && shipped?.contains(#""open_amount":"0.00""#) == true, "\(String(describing: shipped))")
        #expect(try DatabaseQueue(path: path).read { db in try AuditLog.verify(db) }.isIntact)
    }

    /// An order whose cancellation arrived first gets no decision (nothing is open) and adds
    /// nothing to the exposure; the audit trail says why, so the order is not simply missing.
    @Test func anOrderCreatedAfterItsCancellationIsNotDecidedAndTheTrailSaysWhy() throws {
        let lines = [
            Self.event("x-1", "order.cancelled", at: "2026-02-01T10:05:00Z", #""order_id":"O-1""#),
            Self.event("o-1", "order.created", at: "2026-02-01T10:01:00Z", #""order_id":"O-1","amount":"150.00","currency":"EUR""#),
            Self.event("o-2", "order.created", at: "2026-02-01T10:02:00Z", #""order_id":"O-2","amount":"100.00","currency":"EUR""#),
        ]
        try Self.withDatabase { path in
            let result = try Self.replay(lines.joined(separator: "\n"), database: path)
            #expect(result.summary.applied == 3)
            let decisions = result.outputs.filter { $0.contains("credit.order.") }
            #expect(decisions.count == 1 && decisions.first?.contains(#""order_id":"O-2""#) == true, "\(decisions)")
            #expect(decisions.first?.contains(#""exposure":"100.00""#) == true, "\(decisions)")
            let notes = try DatabaseQueue(path: path).read { db in
                try Row.fetchAll(db, sql: "SELECT causation_id, body FROM audit_log WHERE kind = 'order.not_decided' ORDER BY sequence")
                    .map { [$0[0] as String, $0[1] as String] }
            }
            #expect(notes.count == 1, "\(notes)")
            #expect(notes.first?[0] == "o-1" && notes.first?[1].contains("ORDER_CANCELLED") == true
                        && notes.first?[1].contains("arrived after its cancellation") == true, "\(notes)")
            #expect(try DatabaseQueue(path: path).read { db in try AuditLog.verify(db) }.isIntact)
        }
    }

    /// C-1 owes 500.00 due on 2026-01-05, places a small order on `orderOn` and pays in full on
    /// `paidOn` (at 10:00 UTC); ids o-1, s-1, o-2, p-1.
    static func overdueThenPaid(orderOn: String, paidOn: String) -> [String] {
        [
            event("o-1", "order.created", at: "2026-01-01T10:00:00Z", #""order_id":"O-1","amount":"500.00","currency":"EUR""#),
            event("s-1", "shipment.shipped", at: "2026-01-01T11:00:00Z",
                  #""shipment_id":"S-1","order_id":"O-1","invoice_id":"I-1","amount":"500.00","currency":"EUR","due_date":"2026-01-05""#),
            event("o-2", "order.created", at: "\(orderOn)T10:00:00Z", #""order_id":"O-2","amount":"10.00","currency":"EUR""#),
            event("p-1", "payment.received", at: "\(paidOn)T10:00:00Z", #""payment_id":"P-1","amount":"500.00","currency":"EUR""#),
        ]
    }

    /// A dunning level back to 0 publishes nothing, and is in the audit trail all the same: the
    /// trail reads notice 1, then the return to 0, then the next notice.
    @Test func aDunningLevelBackToZeroIsAudited() throws {
        let lines = Self.overdueThenPaid(orderOn: "2026-01-08", paidOn: "2026-01-09")
        let path = NSTemporaryDirectory() + "replay-db-\(UUID().uuidString).sqlite"
        defer { for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: path + suffix) } }
        let result = try Self.replay(lines.joined(separator: "\n"), database: path)
        #expect(result.outputs.contains { $0.contains("dunning.notice") }, "\(result.outputs)")
        let steps = try DatabaseQueue(path: path).read { db in
            try Row.fetchAll(db, sql: "SELECT causation_id, body FROM audit_log WHERE kind = 'dunning.step' ORDER BY sequence")
                .map { [$0[0] as String, $0[1] as String] }
        }
        #expect(steps.count == 2, "\(steps)")
        #expect(steps.last?[0] == "p-1", "\(steps)")
        #expect(steps.last?[1].contains("DUNNING_RESET") == true && steps.last?[1].contains(#""previous_level":1"#) == true
                    && steps.last?[1].contains("were paid") == true, "\(steps)")
        #expect(try DatabaseQueue(path: path).read { db in try AuditLog.verify(db) }.isIntact)
    }

    /// An event older than everything its customer's window still holds cannot be folded at its
    /// own time: it is applied all the same, and reported (a replay's `beyond_window` line).
    @Test func anEventOlderThanTheWholeWindowIsReported() throws {
        /// Order `name` (default `n`) placed `n` minutes into the year.
        func order(_ n: Int, _ name: String? = nil) -> String {
            let time = Timestamp(microsecondsSinceEpoch: Timestamp(rfc3339: "2026-01-01T00:00:00Z")!.microsecondsSinceEpoch + Int64(n) * 60_000_000)
            let name = name ?? String(n)
            return Self.event("o-\(name)", "order.created", at: time.rfc3339, #""order_id":"O-\#(name)","amount":"1.00","currency":"EUR""#)
        }
        // A late order inside the window (minute 100 of 300) is folded in place, unreported.
        let inWindow = (1...300).map { order($0) } + [order(100, "100b")]
        let beyond = inWindow + [order(0)]
        let quiet = try Self.replay(inWindow.joined(separator: "\n"))
        #expect(!quiet.deadLetters.contains { $0.contains("beyond_window") }, "\(quiet.deadLetters)")
        let late = try Self.replay(beyond.joined(separator: "\n"))
        #expect(late.summary.applied == 302)
        let warnings = late.deadLetters.filter { $0.contains(#""warning":"beyond_window""#) }
        #expect(warnings.count == 1 && warnings.first?.contains(#""line":302"#) == true && warnings.first?.contains("event o-0 of customer C-1") == true,
                "\(late.deadLetters)")
    }

    /// A cure by a payment that bounces is taken back (the customer did not pay), and the next
    /// payment that brings the level to 0 cures the notices, the old one included.
    @Test func aBouncedPaymentTakesItsCureBack() throws {
        func reversal(_ id: String, _ time: String) -> String {
            Self.event(id, "payment.reversed", at: time, #""payment_id":"P-1","reason":"NSF""#)
        }
        let paid = Self.event("p-2", "payment.received", at: "2026-01-20T10:00:00Z", #""payment_id":"P-2","amount":"500.00","currency":"EUR""#)
        func notices(_ lines: [String]) throws -> [[String]] {
            try Self.withDatabase { path in
                _ = try Self.replay(lines.joined(separator: "\n"), database: path)
                return try DatabaseQueue(path: path).read { db in
                    try Row.fetchAll(db, sql: "SELECT level, date, cured_on, cured_by FROM dunning_notices ORDER BY date").map {
                        [String($0[0] as Int), $0[1] as String, ($0[2] as String?) ?? "-", ($0[3] as String?) ?? "-"]
                    }
                }
            }
        }
        let history = Self.overdueThenPaid(orderOn: "2026-01-08", paidOn: "2026-01-09")
        #expect(try notices(history) == [["1", "2026-01-06", "2026-01-09", "P-1"]])
        let bounced = try notices(history + [reversal("r-1", "2026-01-12T10:00:00Z")])
        #expect(bounced.first == ["1", "2026-01-06", "-", "-"], "\(bounced)")
        let paidLater = try notices(history + [reversal("r-1", "2026-01-12T10:00:00Z"), paid])
        // The old notice, the level 1 sent again after the bounce and the level 2 of that
        // morning's tick: all cured by P-2.
        #expect(paidLater.map { [$0[0], $0[1]] } == [["1", "2026-01-06"], ["1", "2026-01-13"], ["2", "2026-01-20"]], "\(paidLater)")
        #expect(paidLater.allSatisfy { $0[2] == "2026-01-20" && $0[3] == "P-2" }, "\(paidLater)")
    }

    /// A payment that cures a blocking level: the trail reads the reset, then the unblock and
    /// the release it brought, in the order they happened.
    @Test func theResetIsAuditedBeforeTheUnblockAndReleasesItBrings() throws {
        var policy = SchedulerTests.policy()
        policy.dunning.levels[1].blocksCustomer = true
        let lines = Self.overdueThenPaid(orderOn: "2026-02-10", paidOn: "2026-02-11")
        try Self.withDatabase { path in
            let result = try Self.replay(lines.joined(separator: "\n"), database: path, policy: policy)
            #expect(result.outputs.contains { $0.contains("credit.customer.blocked") }, "\(result.outputs)")
            let kinds = try DatabaseQueue(path: path).read { db in
                try String.fetchAll(db, sql: "SELECT kind FROM audit_log WHERE causation_id = 'p-1' ORDER BY sequence")
            }
            #expect(kinds.prefix(3) == ["dunning.step", "customer.unblocked", "order.released"], "\(kinds)")
            #expect(try DatabaseQueue(path: path).read { db in try AuditLog.verify(db) }.isIntact)
        }
    }

    /// A shipment sent again under a new event id is reported and invoices nothing more; the
    /// customer's exposure and the stored receivable count it once.
    @Test func aShipmentSentAgainIsReportedAndInvoicedOnce() throws {
        func event(_ id: String, _ type: String, _ second: Int, _ data: String) -> String {
            #"{"specversion":"1.0","id":"\#(id)","source":"test","type":"\#(type)","time":"2026-02-01T10:00:0\#(second)Z","data":{"customer_id":"C-1",\#(data)}}"#
        }
        let shipment = #""order_id":"O-1","invoice_id":"I-1","amount":"60.00","currency":"EUR""#
        let lines = [
            event("o-1", "order.created", 1, #""order_id":"O-1","amount":"100.00","currency":"EUR""#),
            event("s-1", "shipment.shipped", 2, #""shipment_id":"S-1","# + shipment),
            event("s-1-again", "shipment.shipped", 3, #""shipment_id":"S-1","# + shipment),
            event("s-2", "shipment.shipped", 4, #""shipment_id":"S-2","order_id":"O-1","invoice_id":"I-1","amount":"15.00","currency":"EUR""#),
        ]
        let path = NSTemporaryDirectory() + "replay-db-\(UUID().uuidString).sqlite"
        defer { for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: path + suffix) } }
        let result = try Self.replay(lines.joined(separator: "\n"), database: path)
        #expect(result.summary.applied == 4)
        #expect(result.deadLetters.count == 1, "\(result.deadLetters)")
        let warning = try #require(result.deadLetters.first)
        #expect(warning.contains(#""line":3"#) && warning.contains(#""warning":"repeated_id""#)
                    && warning.contains(#"repeats data.shipment_id \"S-1\", already invoiced"#) && warning.contains("a shipment_id of its own"),
                "\(warning)")
        let stored = try DatabaseQueue(path: path).read { db in
            (try StateCodec.load(db, id: "C-1"), try String.fetchOne(db, sql: "SELECT amount FROM receivables WHERE invoice_id = 'I-1'"))
        }
        let customer = try #require(stored.0)
        #expect(customer.ledger.invoices["I-1"]?.openAmount == (try DecimalAmount.parse("75.00").get()))
        #expect(stored.1 == "75.00")
    }
}
