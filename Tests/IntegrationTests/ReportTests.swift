import Foundation
import Testing

/// The collection report of a replayed history, checked against figures computed here from the
/// same events by hand-simple rules (every invoice either unpaid, paid in one allocation or
/// paid in part, so each figure follows directly from the event list).
@Suite struct ReportTests {
    struct Invoice {
        var id: String, customer: String, amount: Double, invoiced: String, due: String
        var payments: [(date: String, amount: Double)]
    }

    static func days(_ from: String, _ to: String) -> Int {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withFullDate]
        let a = formatter.date(from: from)!, b = formatter.date(from: to)!
        return Int((b.timeIntervalSince(a) / 86_400).rounded())
    }

    @Test func reportFiguresMatchTheEventsIndependently() throws {
        var lines = DunningIntegrationTests.year(fillerDays: 310)
        var events = Events(start: "2026-01-01T00:00:00Z")
        events.source = "oms-z"
        let m = DunningIntegrationTests.minutes
        lines += [
            events.order("C-Z", "O-4", "500.00", at: m(8, 31, 9)),
            events.event("shipment.shipped", "C-Z", at: m(9, 1, 9), ["shipment_id": "S-4", "order_id": "O-4", "invoice_id": "I-4",
                                                                   "amount": "500.00", "currency": "EUR"]),
            events.order("C-Z", "O-5", "800.00", at: m(10, 14, 9)),
            events.event("shipment.shipped", "C-Z", at: m(10, 15, 9), ["shipment_id": "S-5", "order_id": "O-5", "invoice_id": "I-5",
                                                                    "amount": "800.00", "currency": "EUR"]),
            events.pay("C-Z", "P-5", "300.00", at: m(10, 20, 9), allocations: [("I-5", "300.00")]),
        ]
        // Business-time order, as one partition would carry it.
        lines.sort { a, b in
            let ta = (try? JSONSerialization.jsonObject(with: Data(a.utf8)) as? [String: Any])?["time"] as? String ?? ""
            let tb = (try? JSONSerialization.jsonObject(with: Data(b.utf8)) as? [String: Any])?["time"] as? String ?? ""
            return ta < tb
        }
        let invoices = [
            Invoice(id: "I-1", customer: "C-Y", amount: 1000, invoiced: "2026-01-05", due: "2026-02-04", payments: [("2026-02-10", 1000)]),
            Invoice(id: "I-2", customer: "C-Y", amount: 2000, invoiced: "2026-03-02", due: "2026-04-01", payments: [("2026-05-20", 2000)]),
            Invoice(id: "I-3", customer: "C-Y", amount: 3000, invoiced: "2026-07-01", due: "2026-07-31", payments: [("2026-09-20", 3000)]),
            Invoice(id: "I-4", customer: "C-Z", amount: 500, invoiced: "2026-09-01", due: "2026-10-01", payments: []),
            Invoice(id: "I-5", customer: "C-Z", amount: 800, invoiced: "2026-10-15", due: "2026-11-14", payments: [("2026-10-20", 300)]),
        ]
        let asOf = "2026-10-31", period = 120
        let start = "2026-07-03"  // as_of − 120 days; the period is (start, as_of]

        // Independent figures.
        func openAt(_ invoice: Invoice, _ date: String) -> Double {
            invoice.invoiced > date ? 0 : invoice.amount - invoice.payments.filter { $0.date <= date }.map(\.amount).reduce(0, +)
        }
        let receivables = invoices.map { openAt($0, asOf) }.reduce(0, +)
        let notDue = invoices.filter { $0.due >= asOf }.map { openAt($0, asOf) }.reduce(0, +)
        let d1to30 = invoices.filter { (1...30).contains(Self.days($0.due, asOf)) }.map { openAt($0, asOf) }.reduce(0, +)
        let sales = invoices.filter { $0.invoiced > start && $0.invoiced <= asOf }.map(\.amount).reduce(0, +)
        let dso = receivables / sales * Double(period)
        let best = notDue / sales * Double(period)
        let paid = invoices.filter { openAt($0, asOf) == 0 && ($0.payments.last!.date > start) }
        let daysLate = paid.map { max(0, Self.days($0.due, $0.payments.last!.date)) }
        let daysToPay = paid.map { Self.days($0.invoiced, $0.payments.last!.date) }

        let fixture = try ReplayFixture("report")
        defer { fixture.remove() }
        let folder = fixture.folder
        let (replay, database) = try fixture.replay(lines)
        #expect(replay.status == 0, "\(replay.stderr)")

        let result = try run(TestDaemon.creditctl, ["report", "--database", database, "--as-of", asOf, "--period-days", "\(period)", "--json"])
        #expect(result.status == 0, "\(result.stderr)")
        let report = try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any])
        let aging = report["aging"] as? [String: Any] ?? [:]
        func money(_ value: Double) -> String { String(format: "%.2f", value) }
        #expect(aging["total"] as? String == money(receivables))
        #expect(aging["not_due"] as? String == money(notDue))
        #expect(aging["d1_30"] as? String == money(d1to30))
        #expect(aging["over_90"] as? String == "0.00")
        func close(_ key: String, _ expected: Double) {
            let got = report[key] as? Double ?? .nan
            #expect(abs(got - expected) < 0.051, "\(key): \(got) vs \(expected)")
        }
        close("dso", dso)
        close("best_possible_dso", best)
        close("add", dso - best)
        let paidFigures = report["paid_invoices"] as? [String: Any] ?? [:]
        #expect(paidFigures["count"] as? Int == paid.count)
        #expect(abs((paidFigures["avg_days_late"] as? Double ?? -1) - Double(daysLate.reduce(0, +)) / Double(paid.count)) < 0.051)
        #expect(abs((paidFigures["avg_days_to_pay"] as? Double ?? -1) - Double(daysToPay.reduce(0, +)) / Double(paid.count)) < 0.051)
        #expect(paidFigures["late_share"] as? Double == 1.0)
        // Dunning notices dated in the period: C-Y 08-01 (L1), 09-02 (L1), 09-09 (L2), 09-16 (L3), all
        // cured by 09-20; C-Z 10-02 (L1), 10-16 (L2), 10-31 (L3), not cured.
        let dunning = (report["dunning"] as? [[String: Any]] ?? []).reduce(into: [Int: (Int, Double)]()) {
            $0[$1["level"] as? Int ?? 0] = ($1["notices"] as? Int ?? -1, $1["cured_within_30d_share"] as? Double ?? -1)
        }
        #expect(dunning[1]?.0 == 3)
        #expect(dunning[2]?.0 == 2 && dunning[2]?.1 == 0.5)
        #expect(dunning[3]?.0 == 2 && dunning[3]?.1 == 0.5)
        let top = report["top_risk"] as? [[String: Any]] ?? []
        #expect(top.first?["customer_id"] as? String == "C-Z")
        #expect(top.first?["overdue"] as? String == "500.00")

        // The same report as a self-contained page.
        let page = folder.appendingPathComponent("report.html").path
        let html = try run(TestDaemon.creditctl, ["report", "--database", database, "--as-of", asOf, "--html", page])
        #expect(html.status == 0, "\(html.stderr)")
        let text = try String(contentsOfFile: page, encoding: .utf8)
        #expect(text.contains("<svg") && !text.contains("http://") && !text.contains("https://"))

        // Rendered by a real browser (Debian's chromium, headless): the charts are in the DOM it
        // built and the page becomes a PNG, kept under .run/artifacts (not committed).
        let artifacts = "\(repositoryRoot)/.run/artifacts"
        try FileManager.default.createDirectory(atPath: artifacts, withIntermediateDirectories: true)
        let png = "\(artifacts)/collection-report.png"
        try? FileManager.default.removeItem(atPath: png)
        let browser = ["--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars", "--window-size=1366,2400",
                       "--user-data-dir=\(folder.path)/chromium"]
        let shot = try run("/usr/bin/chromium", browser + ["--screenshot=\(png)", "file://\(page)"])
        #expect(shot.status == 0, "\(shot.stderr)")
        let bytes = try Data(contentsOf: URL(fileURLWithPath: png))
        #expect(bytes.starts(with: [0x89, 0x50, 0x4E, 0x47]), "a PNG")
        let width = bytes.count > 24 ? Int(bytes[16]) << 24 | Int(bytes[17]) << 16 | Int(bytes[18]) << 8 | Int(bytes[19]) : 0
        #expect(width == 1366)
        #expect(bytes.count > 20_000, "a page with charts and tables, not a blank one (\(bytes.count) bytes)")
        let dom = try run("/usr/bin/chromium", browser + ["--dump-dom", "file://\(page)"])
        #expect(dom.status == 0)
        #expect(dom.stdout.components(separatedBy: "<svg").count - 1 >= 4, "the aging, trend, hold and dunning charts")
        #expect(dom.stdout.contains("<rect") && (dom.stdout.contains("<polyline") || dom.stdout.contains("<path")))
    }

    /// The top-risk table as of a past date ranks by that day's figures: the exposure, limit and
    /// class the customer had then and the disputes open then, not today's.
    @Test func topRiskAsOfAPastDateUsesThatDaysFigures() throws {
        var events = Events(start: "2026-01-05T08:00:00Z")
        events.source = "oms-r"
        func day(_ n: Int) -> Int { n * 1440 }
        let lines = [
            events.order("C-A", "O-1", "6000.00", at: day(0)),                         // 01-05: approved, exposure 6000
            events.ship("C-A", "O-1", invoice: "I-1", "6000.00", at: day(1)),          // 01-06: due 02-05
            events.event("dispute.opened", "C-A", at: day(46), ["invoice_id": "I-1"]), // 02-20
            events.event("dispute.resolved", "C-A", at: day(64), ["invoice_id": "I-1"]), // 03-10
            events.pay("C-A", "P-1", "6000.00", at: day(86), allocations: [("I-1", "6000.00")]), // 04-01: exposure 0
            events.order("C-B", "O-2", "100.00", at: day(87)),                         // 04-02
        ]
        let fixture = try ReplayFixture("report-as-of")
        defer { fixture.remove() }
        let (replay, database) = try fixture.replay(lines)
        #expect(replay.status == 0, "\(replay.stderr)")
        // C-A's class at the end of a day: the last score change published by then.
        let scores = replay.stdout.split(separator: "\n").compactMap { line -> (time: String, newClass: String?)? in
            guard let event = try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any],
                  event["type"] as? String == "credit.score.changed", event["subject"] as? String == "C-A",
                  let time = event["time"] as? String, let data = event["data"] as? [String: Any] else { return nil }
            return (time, data["new_class"] as? String)
        }
        func classAtEnd(of date: String) -> String? { scores.last { String($0.time.prefix(10)) <= date }?.newClass }

        func topRisk(_ extra: [String]) throws -> [String: [String: Any]] {
            let result = try run(TestDaemon.creditctl, ["report", "--database", database, "--json"] + extra)
            #expect(result.status == 0, "\(result.stderr)")
            let report = try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any]
            let rows = report?["top_risk"] as? [[String: Any]] ?? []
            return Dictionary(rows.map { ($0["customer_id"] as? String ?? "", $0) }, uniquingKeysWith: { a, _ in a })
        }
        // Overdue and undisputed, 6000 of the 10,000 limit drawn.
        let february = try topRisk(["--as-of", "2026-02-15"])
        #expect(february["C-A"]?["overdue"] as? String == "6000.00")
        #expect(february["C-A"]?["utilization"] as? Double == 0.6)
        #expect(classAtEnd(of: "2026-02-15") != nil)
        #expect(february["C-A"]?["risk_class"] as? String == classAtEnd(of: "2026-02-15"))
        #expect(february["C-B"] == nil, "C-B is not a customer yet")
        // Disputed on that day: nothing overdue, the exposure still there.
        let march = try topRisk(["--as-of", "2026-03-01"])
        #expect(march["C-A"]?["overdue"] as? String == "0.00")
        #expect(march["C-A"]?["utilization"] as? Double == 0.6)
        // The class moved in between (the dispute took the overdue share out of the score).
        #expect(classAtEnd(of: "2026-03-01") != classAtEnd(of: "2026-02-15"))
        #expect(march["C-A"]?["risk_class"] as? String == classAtEnd(of: "2026-03-01"))
        // Resolved: overdue again; the class is that day's.
        let later = try topRisk(["--as-of", "2026-03-15", "--customer", "C-A"])
        #expect(later["C-A"]?["overdue"] as? String == "6000.00")
        #expect(later["C-A"]?["risk_class"] as? String == classAtEnd(of: "2026-03-15"))
        // A mistyped customer is refused, not reported as a clean record.
        let unknown = try run(TestDaemon.creditctl, ["report", "--database", database, "--customer", "c-a"])
        #expect(unknown.status == 1 && unknown.stdout.isEmpty && unknown.stderr.contains("no customer c-a in the database"), "\(unknown.stderr)")
        // Today (the replay's last day): paid, no exposure, not a risk; C-B is.
        let today = try topRisk([])
        #expect(today["C-A"] == nil)
        #expect(today["C-B"]?["utilization"] as? Double == 0.01)

        // The state commands hold only the latest state: a past day is refused and sent to the
        // report, rather than today's balances shown under that day's date.
        for command in [["customer", "show", "C-A"], ["customer", "list"], ["orders", "held"], ["export", "state"]] {
            let past = try run(TestDaemon.creditctl, command + ["--database", database, "--as-of", "2026-02-15"])
            #expect(past.status == 2 && past.stdout.isEmpty, "\(command): \(past.status) \(past.stdout.prefix(200))")
            #expect(past.stderr.contains("before the database's today (2026-04-02)") && past.stderr.contains("creditctl report --as-of 2026-02-15"),
                    "\(command): \(past.stderr)")
        }
        // Today or later: the latest state, counted on that day.
        let ahead = try run(TestDaemon.creditctl, ["customer", "show", "C-B", "--database", database, "--as-of", "2026-06-30"])
        #expect(ahead.status == 0, "\(ahead.stderr)")
        #expect(ahead.stdout.contains("As of         2026-06-30"), "\(ahead.stdout.prefix(600))")
    }
}
