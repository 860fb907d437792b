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
        let escalations = alerts.map { Self.object($0.payload) }.filter { ($0["data"] as? [String: Any])?["code"] as? String == "DUNNING_ESCALATED" }
        #expect(escalations.count == 3)
    }
}
