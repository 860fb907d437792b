import Foundation
import Testing

/// Dunning through the real binary: a year of one customer's history, replayed and sent through
/// the broker with the event clock. The notices fall on the days the policy says, and both runs
/// publish the same output ids.
@Suite(.serialized) struct DunningIntegrationTests {
    /// Minutes from 2026-01-01T00:00Z to a date at a given hour.
    static func minutes(_ month: Int, _ day: Int, hour: Int = 10) -> Int {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        let start = calendar.date(from: DateComponents(year: 2026, month: 1, day: 1))!
        let date = calendar.date(from: DateComponents(year: 2026, month: month, day: day, hour: hour))!
        return Int(date.timeIntervalSince(start) / 60)
    }

    /// C-Y's year: three invoices paid late, one disputed for a month; C-F orders every day at
    /// noon so that the event clock passes every daily tick.
    static func year(fillerDays: Int = 300) -> [String] {
        var events = Events(start: "2026-01-01T00:00:00Z")
        var timed: [(Int, String)] = []
        func add(_ minute: Int, _ line: String) { timed.append((minute, line)) }
        let m = Self.minutes
        // I-1: due 2026-02-04 (30-day terms), paid 2026-02-10.
        add(m(1, 4, 10), events.order("C-Y", "O-1", "1000.00", at: m(1, 4, 10)))
        add(m(1, 5, 10), events.ship("C-Y", "O-1", invoice: "I-1", "1000.00", at: m(1, 5, 10)))
        add(m(2, 10, 10), events.pay("C-Y", "P-1", "1000.00", at: m(2, 10, 10)))
        // I-2: due 2026-04-01, paid 2026-05-20 after the fourth level blocked the customer.
        add(m(3, 1, 10), events.order("C-Y", "O-2", "2000.00", at: m(3, 1, 10)))
        add(m(3, 2, 10), events.ship("C-Y", "O-2", invoice: "I-2", "2000.00", at: m(3, 2, 10)))
        add(m(5, 20, 10), events.pay("C-Y", "P-2", "2000.00", at: m(5, 20, 10)))
        // I-3: due 2026-07-31, disputed 08-05 (no dunning), resolved 09-01, paid 09-20.
        add(m(6, 30, 10), events.order("C-Y", "O-3", "3000.00", at: m(6, 30, 10)))
        add(m(7, 1, 10), events.ship("C-Y", "O-3", invoice: "I-3", "3000.00", at: m(7, 1, 10)))
        add(m(8, 5, 10), events.event("dispute.opened", "C-Y", at: m(8, 5, 10), ["invoice_id": "I-3", "reason": "damaged"]))
        add(m(9, 1, 10), events.event("dispute.resolved", "C-Y", at: m(9, 1, 10), ["invoice_id": "I-3"]))
        add(m(9, 20, 10), events.pay("C-Y", "P-3", "3000.00", at: m(9, 20, 10)))
        for day in 0..<fillerDays {
            let minute = day * 1440 + 12 * 60
            add(minute, events.order("C-F", "F-\(day)", "1.00", at: minute))
        }
        return timed.sorted { $0.0 < $1.0 }.map(\.1)
    }

    static let expectedNotices: [(date: String, level: Int)] = [
        ("2026-02-05", 1),
        ("2026-04-02", 1), ("2026-04-16", 2), ("2026-05-01", 3), ("2026-05-16", 4),
        ("2026-08-01", 1),
        ("2026-09-02", 1), ("2026-09-09", 2), ("2026-09-16", 3),
    ]

    static func object(_ line: String) -> [String: Any] {
        (try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any]) ?? [:]
    }

    @Test func aYearOfHistoryGivesTheNoticesOnTheirDaysInReplayAndThroughKafka() async throws {
        let daemon = try TestDaemon(name: "dunning", singleTopic: true)
        defer { daemon.cleanup() }
        let lines = Self.year()

        // Replay: the back-test.
        let file = daemon.folder.appendingPathComponent("year.jsonl").path
        try (lines.joined(separator: "\n") + "\n").write(toFile: file, atomically: true, encoding: .utf8)
        let replay = try run(TestDaemon.creditd, ["replay", "--config", daemon.configPath, file])
        #expect(replay.status == 0, "\(replay.stderr)")
        let outputs = replay.stdout.split(separator: "\n").map { Self.object(String($0)) }
        let notices = outputs.filter { $0["type"] as? String == "dunning.notice" }
        let got = notices.map { (String(($0["time"] as? String ?? "").prefix(10)), ($0["data"] as? [String: Any])?["level"] as? Int ?? -1) }
        #expect(got.map(\.0) == Self.expectedNotices.map(\.date))
        #expect(got.map(\.1) == Self.expectedNotices.map(\.level))
        #expect(notices.allSatisfy { ($0["causationid"] as? String ?? "").hasPrefix("tick:") })
        let types = outputs.compactMap { $0["type"] as? String }
        #expect(types.filter { $0 == "credit.customer.blocked" }.count == 1)
        #expect(types.filter { $0 == "credit.customer.unblocked" }.count == 1)

        // The same events through Kafka with the event clock: the same ids and bytes.
        try daemon.start()
        try await daemon.waitUntilReady()
        try daemon.produce(lines)
        try await daemon.waitUntilProcessed(Int64(lines.count))
        #expect(try await daemon.stop() == 0)
        let dunning = try TestBroker.consumeAll(topic: daemon.topics["dunning"]!)
        let alerts = try TestBroker.consumeAll(topic: daemon.topics["alerts"]!)
        let decisions = try TestBroker.consumeAll(topic: daemon.topics["decisions"]!)
        let published = Set((dunning + alerts + decisions).map(\.payload))
        let replayed = Set(replay.stdout.split(separator: "\n").map(String.init))
        #expect(published == replayed)

        // A notice on the dunning topic carries what a letter needs, keyed by the customer.
        let level4 = dunning.map { Self.object($0.payload) }.first { ($0["data"] as? [String: Any])?["level"] as? Int == 4 }
        let data = level4?["data"] as? [String: Any] ?? [:]
        #expect(data["customer_id"] as? String == "C-Y")
        #expect(data["level_name"] as? String == "stop supply")
        #expect(data["total_overdue"] as? String == "2000.00")
        #expect(data["currency"] as? String == "EUR")
        let invoices = data["invoices"] as? [[String: Any]] ?? []
        #expect(invoices.count == 1)
        #expect(invoices.first?["invoice_id"] as? String == "I-2")
        #expect(invoices.first?["open_amount"] as? String == "2000.00")
        #expect(invoices.first?["due_date"] as? String == "2026-04-01")
        #expect(invoices.first?["days_past_due"] as? Int == 45)
        #expect(dunning.allSatisfy { $0.key == "C-Y" })
        // Levels 3 and 4 are marked `alert`: DUNNING_ESCALATED on the alerts topic.
        let escalations = alerts.filter { ($0.data["code"] as? String) == "DUNNING_ESCALATED" }
            .sorted { ($0.json["time"] as? String ?? "") < ($1.json["time"] as? String ?? "") }
        #expect(escalations.count == 3)

        // Each escalation as events.md's `credit.alert`: `code`, `severity` (the shipped policy's
        // level 3 alerts, a warning; level 4 alerts and blocks, so critical), `message`, and the
        // figures behind it (CreditEngine+Dunning), keyed by the customer.
        for (record, want) in zip(escalations, Self.expectedEscalations) {
            let event = record.json
            let data = record.data
            let what = "the escalation of \(want.date) to level \(want.level)"
            #expect(record.key == "C-Y", "\(what): message key")
            #expect(event["type"] as? String == "credit.alert", "\(what): type")
            #expect(String((event["time"] as? String ?? "").prefix(10)) == want.date, "\(what): on its tick's day")
            #expect((event["causationid"] as? String ?? "").hasPrefix("tick:"), "\(what): caused by the tick")
            #expect(data["customer_id"] as? String == "C-Y", "\(what): customer_id")
            #expect(data["code"] as? String == "DUNNING_ESCALATED", "\(what): code")
            #expect(data["severity"] as? String == want.severity, "\(what): severity")
            let message = data["message"] as? String ?? ""
            #expect(!message.isEmpty, "\(what): a message")
            #expect(message.contains("C-Y") && message.contains("level \(want.level)"), "\(what): the message names customer and level: \(message)")
            #expect(data["level"] as? Int == want.level, "\(what): level")
            #expect(data["level_name"] as? String == want.name, "\(what): level_name")
            #expect(data["previous_level"] as? Int == want.level - 1, "\(what): previous_level")
            #expect(data["blocks_customer"] as? Bool == want.blocks, "\(what): blocks_customer")
            #expect(data["total_overdue"] as? String == want.total, "\(what): total_overdue")
            #expect(data["currency"] as? String == "EUR", "\(what): currency")
            #expect(data["overdue_invoices"] as? Int == 1, "\(what): overdue_invoices")
            #expect(data["oldest_days_past_due"] as? Int == want.oldest, "\(what): oldest_days_past_due")
        }

        // Every notice as events.md's `dunning.notice`: `level`, `level_name`, `total_overdue`,
        // `currency`, and each overdue invoice with its open amount, due date and days past due.
        let noticeRecords = dunning.filter { $0.type == "dunning.notice" }
            .sorted { ($0.json["time"] as? String ?? "") < ($1.json["time"] as? String ?? "") }
        #expect(noticeRecords.count == Self.expectedNoticeInvoices.count)
        for (record, want) in zip(noticeRecords, Self.expectedNoticeInvoices) {
            let data = record.data
            let what = "the notice of \(want.date)"
            #expect(record.key == "C-Y", "\(what): message key")
            #expect(String((record.json["time"] as? String ?? "").prefix(10)) == want.date, "\(what): its day")
            #expect(data["customer_id"] as? String == "C-Y", "\(what): customer_id")
            #expect(data["level"] as? Int == want.level, "\(what): level")
            #expect(data["level_name"] as? String == Self.levelNames[want.level], "\(what): level_name")
            #expect(data["total_overdue"] as? String == want.open, "\(what): total_overdue")
            #expect(data["currency"] as? String == "EUR", "\(what): currency")
            let listed = data["invoices"] as? [[String: Any]] ?? []
            #expect(listed.count == 1, "\(what): one overdue invoice, not \(listed.count)")
            let invoice = listed.first ?? [:]
            #expect(invoice["invoice_id"] as? String == want.invoice, "\(what): invoice_id")
            #expect(invoice["open_amount"] as? String == want.open, "\(what): open_amount")
            #expect(invoice["due_date"] as? String == want.due, "\(what): due_date")
            #expect(invoice["days_past_due"] as? Int == want.daysPastDue, "\(what): days_past_due")
        }
    }

    /// The shipped policy's level names (config/policy.yaml).
    static let levelNames = [1: "friendly reminder", 2: "second notice", 3: "final notice", 4: "stop supply"]

    /// Levels 3 and 4 are marked `alert`; level 4 blocks. Each escalation's overdue debt is the one
    /// invoice being dunned: I-2 (2000.00, due 04-01), then I-3 (3000.00, due 07-31).
    static let expectedEscalations: [(date: String, level: Int, name: String, blocks: Bool, severity: String, total: String, oldest: Int)] = [
        ("2026-05-01", 3, "final notice", false, "warning", "2000.00", 30),
        ("2026-05-16", 4, "stop supply", true, "critical", "2000.00", 45),
        ("2026-09-16", 3, "final notice", false, "warning", "3000.00", 47),
    ]

    /// Each notice of `expectedNotices` with the one invoice it lists.
    static let expectedNoticeInvoices: [(date: String, level: Int, invoice: String, open: String, due: String, daysPastDue: Int)] = [
        ("2026-02-05", 1, "I-1", "1000.00", "2026-02-04", 1),
        ("2026-04-02", 1, "I-2", "2000.00", "2026-04-01", 1),
        ("2026-04-16", 2, "I-2", "2000.00", "2026-04-01", 15),
        ("2026-05-01", 3, "I-2", "2000.00", "2026-04-01", 30),
        ("2026-05-16", 4, "I-2", "2000.00", "2026-04-01", 45),
        ("2026-08-01", 1, "I-3", "3000.00", "2026-07-31", 1),
        ("2026-09-02", 1, "I-3", "3000.00", "2026-07-31", 33),
        ("2026-09-09", 2, "I-3", "3000.00", "2026-07-31", 40),
        ("2026-09-16", 3, "I-3", "3000.00", "2026-07-31", 47),
    ]
}
