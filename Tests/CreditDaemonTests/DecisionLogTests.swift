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
    static func run(whole: Bool, in folder: URL) throws -> Run {
        let path = folder.appendingPathComponent(whole ? "whole.sqlite" : "trimmed.sqlite").path
        var config = DaemonConfig()
        config.databasePath = path
        config.clock = .wall
        config.instance = "creditd-test"
        // The example policy: it scores customers (factors) and duns them (notices with invoices).
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        let policy = try PolicyLoader.load(file: root.appendingPathComponent("config/policy.yaml").path)
        let processor = BatchProcessor(database: try CreditDatabase(path: path, durability: .normal), config: config,
                                       policy: policy, policySource: nil)
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
        run.outbox = try CreditDatabase(readOnlyPath: path).read { db in
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
        #expect(trimmed.journal.count == whole.journal.count)
        for (kept, full) in zip(trimmed.journal, whole.journal) { #expect(kept == full) }
        #expect(trimmed.outbox == whole.outbox)
        #expect(!whole.outbox.isEmpty)
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
