import CreditCore
import CreditStore
import Foundation
import GRDB
import Logging
import CreditTestSupport
import Testing
@testable import CreditDaemon

/// The daemon keeps only what the journal reads of each output in a batch's outcome
/// (`BatchProcessor.keepsWholeOutputs` false), to free the outputs' data early. The journal must
/// not see the difference, and nothing published may change.
@Suite("The journal's view of a batch's outputs", .serialized)
struct DecisionLogTests {
    struct Run {
        var outputs: [OutputEvent] = []
        var journal: [LogCapture.Record] = []
        var outbox: [String] = []
    }

    /// Orders (one over the limit, so held with reasons), invoices, a partial payment, then a
    /// scheduler tick: notices with their invoices and score changes with their factors.
    /// A wall-clock processor on a new database at `path` under the shipped `config/policy.yaml`.
    static func shippedPolicyProcessor(_ path: String) throws -> BatchProcessor {
        var config = DaemonConfig()
        config.databasePath = path
        config.clock = .wall
        config.instance = "creditd-test"
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        let policy = try PolicyLoader.load(file: root.appendingPathComponent("config/policy.yaml").path)
        return BatchProcessor(database: try CreditDatabase(path: path, durability: .normal), config: config,
                              policy: policy, policySource: nil)
    }

    static func run(whole: Bool, in folder: URL) throws -> Run {
        // The example policy: it scores customers (factors) and duns them (notices with invoices).
        let processor = try Self.shippedPolicyProcessor(folder.appendingPathComponent(whole ? "whole.sqlite" : "trimmed.sqlite").path)
        processor.keepsWholeOutputs = whole
        let capture = LogCapture()
        let log = DecisionLog(logger: capture.logger())
        var run = Run()
        var messages: [IncomingMessage] = []
        func add(_ type: String, _ id: String, _ data: String) {
            let json = #"{"specversion":"1.0","id":"\#(id)","source":"t","type":"\#(type)","time":"2026-01-01T10:00:00Z","data":\#(data)}"#
            messages.append(IncomingMessage(topic: "in", partition: 0, offset: Int64(messages.count), key: nil, value: Array(json.utf8)))
        }
        for n in 0..<40 {
            let c = String(format: "C-%03d", n)
            add("order.created", "o\(n)", #"{"order_id":"O-\#(n)","customer_id":"\#(c)","amount":"500.00","currency":"EUR"}"#)
            add("shipment.shipped", "s\(n)", #"{"shipment_id":"S-\#(n)","order_id":"O-\#(n)","customer_id":"\#(c)","invoice_id":"I-\#(n)","amount":"500.00","currency":"EUR","due_date":"2026-01-31"}"#)
            if n % 4 == 0 {
                add("payment.received", "p\(n)", #"{"payment_id":"P-\#(n)","customer_id":"\#(c)","amount":"120.00","currency":"EUR"}"#)
            }
            if n % 5 == 0 {
                add("order.created", "big\(n)", #"{"order_id":"B-\#(n)","customer_id":"\#(c)","amount":"900000.00","currency":"EUR"}"#)
            }
        }
        let outcome = try processor.process(messages, wallNow: SchedulerTests.now)
        log.record(outcome)
        run.outputs += outcome.outputs
        while true {
            let step = try processor.schedulerStep(wallNow: SchedulerTests.now)
            log.record(step.outcome)
            run.outputs += step.outcome.outputs
            if !step.busy { break }
        }
        run.journal = capture.all
        run.outbox = try CreditDatabase(readOnlyPath: processor.config.databasePath).read { db in
            try Row.fetchAll(db, sql: "SELECT message_id, value FROM outbox ORDER BY seq").map { row in
                (row[0] as String) + " " + String(decoding: row[1] as Data, as: UTF8.self)
            }
        }
        return run
    }

    @Test func theJournalAndTheOutboxAreTheSameWithTrimmedOutputs() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("creditd-decision-log-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let whole = try Self.run(whole: true, in: folder)
        let trimmed = try Self.run(whole: false, in: folder)

        // The stream made every kind of output whose data the trimming drops.
        let types = Set(whole.outputs.map(\.type))
        #expect(types.isSuperset(of: [.orderApproved, .orderHeld, .dunningNotice, .scoreChanged]), "types: \(types)")
        #expect(whole.outputs.contains { $0.data["invoices"] != nil })
        #expect(whole.outputs.contains { $0.data["factors"] != nil })
        #expect(whole.outputs.contains { $0.data["reasons"] != nil })

        #expect(trimmed.outputs.map(\.id) == whole.outputs.map(\.id))
        #expect(!trimmed.outputs.contains { $0.data["invoices"] != nil || $0.data["factors"] != nil })
        // Two empty journals would compare equal: each output must have made its journal entry.
        #expect(!whole.journal.isEmpty && !trimmed.journal.isEmpty, "the journal has entries")
        #expect(whole.journal.count >= whole.outputs.count, "one journal entry per output (\(whole.journal.count) for \(whole.outputs.count))")
        #expect(trimmed.journal.count == whole.journal.count)
        for (kept, full) in zip(trimmed.journal, whole.journal) { #expect(kept == full) }
        #expect(trimmed.outbox == whole.outbox)
        #expect(!whole.outbox.isEmpty)
    }

    /// Under the shipped policy: a held order above `large_order_alert` (LARGE_ORDER_HELD, a
    /// warning) and a customer dunned week by week up to level 4, which blocks (DUNNING_ESCALATED at
    /// level 3 a warning, at level 4 critical). Each `credit.alert` reaches the journal at its own
    /// severity, whatever the alert; the figures are read from the outbox, as published.
    @Test func alertsReachTheJournalAtTheirSeverity() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("creditd-decision-log-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let processor = try Self.shippedPolicyProcessor(folder.appendingPathComponent("alerts.sqlite").path)
        processor.keepsWholeOutputs = false  // as the daemon runs it
        let capture = LogCapture()
        let log = DecisionLog(logger: capture.logger())

        var messages: [IncomingMessage] = []
        func add(_ type: String, _ id: String, _ data: String) {
            let json = #"{"specversion":"1.0","id":"\#(id)","source":"t","type":"\#(type)","time":"2026-01-01T10:00:00Z","data":\#(data)}"#
            messages.append(IncomingMessage(topic: "in", partition: 0, offset: Int64(messages.count), key: nil, value: Array(json.utf8)))
        }
        // C-BIG: an order far over the default limit and the 25,000.00 alert threshold.
        add("order.created", "big", #"{"order_id":"B-1","customer_id":"C-BIG","amount":"900000.00","currency":"EUR"}"#)
        // C-DUN: an invoice due 2026-01-31 that is never paid.
        add("order.created", "o1", #"{"order_id":"O-1","customer_id":"C-DUN","amount":"500.00","currency":"EUR"}"#)
        add("shipment.shipped", "s1", #"{"shipment_id":"S-1","order_id":"O-1","customer_id":"C-DUN","invoice_id":"I-1","amount":"500.00","currency":"EUR","due_date":"2026-01-31"}"#)
        let applied = try processor.process(messages, wallNow: Timestamp(rfc3339: "2026-03-01T08:00:00Z")!)
        log.record(applied)
        // Weekly wake-ups (min_days_between_levels: 7): 29, 36, 43 and 50 days past due, one level each.
        for day in ["2026-03-01", "2026-03-08", "2026-03-15", "2026-03-22"] {
            let now = Timestamp(rfc3339: "\(day)T08:00:00Z")!
            while true {
                let step = try processor.schedulerStep(wallNow: now)
                log.record(step.outcome)
                if !step.busy { break }
            }
        }
        let journal = capture.all

        // Every alert as published: (id, data) from the outbox's CloudEvents.
        let rows = try CreditDatabase(readOnlyPath: processor.config.databasePath).read { db in
            try Row.fetchAll(db, sql: "SELECT message_id, value FROM outbox ORDER BY seq").map { row in
                (row[0] as String, row[1] as Data)
            }
        }
        var alerts: [(id: String, data: [String: Any])] = []
        for (id, value) in rows {
            guard let event = try JSONSerialization.jsonObject(with: value) as? [String: Any],
                  event["type"] as? String == "credit.alert" else { continue }
            alerts.append((id: id, data: event["data"] as? [String: Any] ?? [:]))
        }
        try #require(!alerts.isEmpty, "the stream raises alerts")

        let levels: [String: Logger.Level] = ["info": .info, "warning": .warning, "critical": .critical]
        func entries(_ id: String) -> [LogCapture.Record] { journal.filter { $0.metadata["event_id"] == id } }
        for alert in alerts {
            let code = alert.data["code"] as? String ?? "?"
            let severity = alert.data["severity"] as? String ?? "?"
            #expect(levels[severity] != nil, "alert \(alert.id) (\(code)) has a severity of the contract: \(severity)")
            let logged = entries(alert.id)
            #expect(logged.count == 1, "alert \(alert.id) (\(code)) has one journal entry, not \(logged.count)")
            let loggedAt = logged.first.map { "\($0.level)" } ?? "nothing"
            #expect(logged.first?.level == levels[severity], "alert \(code) of severity \(severity) logged at \(loggedAt)")
            #expect(logged.first?.metadata["reason"] == code)
            #expect(logged.first?.metadata["customer_id"] == alert.data["customer_id"] as? String)
        }

        let large = alerts.filter { $0.data["code"] as? String == "LARGE_ORDER_HELD" }
        try #require(!large.isEmpty, "the held order of 900,000.00 raises LARGE_ORDER_HELD")
        #expect(large.contains { $0.data["order_id"] as? String == "B-1" })
        for alert in large {
            #expect(alert.data["severity"] as? String == "warning")
            #expect(entries(alert.id).first?.level == .warning, "LARGE_ORDER_HELD is a journal warning")
        }

        let escalations = alerts.filter { $0.data["code"] as? String == "DUNNING_ESCALATED" }
        let level3 = escalations.filter { $0.data["level"] as? Int == 3 }
        let level4 = escalations.filter { $0.data["level"] as? Int == 4 }
        let escalatedLevels = escalations.map { ($0.data["level"] as? Int) ?? -1 }
        try #require(escalations.count == 2 && level3.count == 1 && level4.count == 1,
                     "DUNNING_ESCALATED at levels 3 and 4, once each: \(escalatedLevels)")
        #expect(level3[0].data["severity"] as? String == "warning")
        #expect(entries(level3[0].id).first?.level == .warning, "a level-3 escalation is a journal warning")
        #expect(level4[0].data["severity"] as? String == "critical")
        #expect(level4[0].data["blocks_customer"] as? Bool == true)
        #expect(entries(level4[0].id).first?.level == .critical, "the blocking level-4 escalation is a journal critical")
        #expect(journal.contains { $0.level == .critical }, "the journal has a critical entry")
    }

    @Test func trimmingKeepsEveryMemberTheLogReads() {
        let data: JSONValue = .object([
            JSONMember("order_id", .string("O-1")), JSONMember("invoice_id", .string("I-1")),
            JSONMember("reasons", .array([.object([JSONMember("code", .string("OVER_LIMIT"))])])),
            JSONMember("code", .string("UTILIZATION")), JSONMember("severity", .string("warning")),
            JSONMember("message", .string("over 90 %")), JSONMember("factors", .array([.number("1")])),
        ])
        let output = OutputEvent(id: "x", type: .alert, customerId: "C-1", source: "t", time: Timestamp(microsecondsSinceEpoch: 0),
                                 causationId: "E-1", policyVersion: "1", data: data)
        let kept = DecisionLog.logged(output)
        guard case .object(let members) = kept.data else { Issue.record("not an object"); return }
        #expect(members.map(\.key) == ["order_id", "invoice_id", "reasons", "code", "severity", "message"])
        #expect(kept.id == output.id && kept.type == output.type && kept.causationId == output.causationId)
    }
}
