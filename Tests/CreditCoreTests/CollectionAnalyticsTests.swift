import Testing
@testable import CreditCore
import CreditTestSupport

/// Shorthands for building collection books by hand.
enum Book {
    static let eur = Currency(code: "EUR")!
    static func date(_ text: String) -> LocalDate { LocalDate(text)! }
    static func money(_ text: String) -> DecimalAmount { try! DecimalAmount.parse(text, allowNegative: true).get() }

    static func invoice(_ id: String, customer: String = "C-1", _ amount: String, issued: String, due: String,
                        movements: [(String, String)] = [], disputed: Bool = false) -> ReceivableHistory {
        ReceivableHistory(invoiceId: id, customerId: customer, amount: money(amount), invoiceDate: date(issued), dueDate: date(due),
                          movements: movements.map { ReceivableMovement(date: date($0.0), delta: money($0.1)) }, disputed: disputed)
    }
}

@Suite("Collection analytics")
struct CollectionAnalyticsTests {
    let asOf = Book.date("2026-11-28")

    @Test(arguments: [
        // (days past due, bucket): due today is not yet due; the edges 30/31, 60/61, 90/91.
        (-5, 0), (0, 0), (1, 1), (30, 1), (31, 2), (60, 2), (61, 3), (90, 3), (91, 4), (400, 4),
    ])
    func agingBucketEdges(daysPastDue: Int, bucket: Int) {
        #expect(AgingBuckets.bucket(daysPastDue: daysPastDue) == bucket)
    }

    @Test func agingOfInvoicesAtTheEdges() {
        // One invoice per edge, each amount naming its days past due on 2026-11-28.
        let dues: [(String, Int)] = [("2026-11-28", 0), ("2026-11-27", 1), ("2026-10-29", 30), ("2026-10-28", 31),
                                     ("2026-09-29", 60), ("2026-09-28", 61), ("2026-08-30", 90), ("2026-08-29", 91)]
        let invoices = dues.enumerated().map { index, due in
            Book.invoice("I-\(index)", "\(1000 + due.1)", issued: "2026-08-01", due: due.0)
        }
        for (due, days) in dues { #expect(asOf.days(since: Book.date(due)) == days) }
        let aging = AgingBuckets.of(invoices, asOf: asOf)
        #expect(aging.notDue == Book.money("1000"))
        #expect(aging.days1to30 == Book.money("2031"))     // 1001 + 1030
        #expect(aging.days31to60 == Book.money("2091"))    // 1031 + 1060
        #expect(aging.days61to90 == Book.money("2151"))    // 1061 + 1090
        #expect(aging.over90 == Book.money("1091"))
        #expect(aging.total == Book.money("8364"))
    }

    /// A small book worked by hand; as of 2026-11-28, period 90 days → paid in (2026-08-30, 2026-11-28].
    static let paidBook: [ReceivableHistory] = [
        // A: paid 10 days late, 40 days to pay.
        Book.invoice("A", "1000.00", issued: "2026-09-01", due: "2026-10-01", movements: [("2026-10-11", "-1000.00")]),
        // B: paid on the due date: not late, 30 days to pay.
        Book.invoice("B", "3000.00", issued: "2026-10-01", due: "2026-10-31", movements: [("2026-10-31", "-3000.00")]),
        // C: paid on the day the period starts: outside (the period is half-open).
        Book.invoice("C", "500.00", issued: "2026-06-01", due: "2026-07-01", movements: [("2026-08-30", "-500.00")]),
        // D: partly paid: 500 open, 28 days past due.
        Book.invoice("D", "2000.00", issued: "2026-10-01", due: "2026-10-31", movements: [("2026-11-10", "-1500.00")]),
        // E: paid after as_of: still open and not yet due on as_of.
        Book.invoice("E", "400.00", issued: "2026-11-01", due: "2026-12-01", movements: [("2026-12-05", "-400.00")]),
        // F: paid in two steps, the last on 11-14: 30 days late, 60 days to pay.
        Book.invoice("F", "1000.00", issued: "2026-09-15", due: "2026-10-15", movements: [("2026-11-14", "-400.00"), ("2026-10-20", "-600.00")]),
        // G: paid, then the payment bounced: open again, 28 days past due, not a paid invoice.
        Book.invoice("G", "800.00", issued: "2026-10-01", due: "2026-10-31", movements: [("2026-11-01", "-800.00"), ("2026-11-05", "800.00")]),
    ]

    @Test func paidInvoiceBehaviour() {
        let stats = PaidInvoiceStats.of(Self.paidBook, asOf: asOf, periodDays: 90)
        // A, B and F only.
        #expect(stats.count == 3)
        #expect(stats.lateCount == 2)
        #expect(abs(stats.lateShare - 2.0 / 3) < 1e-12)
        // (10 + 0 + 30) / 3 = 13.33
        #expect(abs(stats.averageDaysLate - 40.0 / 3) < 1e-12)
        // (1000×10 + 3000×0 + 1000×30) / 5000 = 8.0
        #expect(abs(stats.averageDaysLateWeighted - 8.0) < 1e-12)
        // (40 + 30 + 60) / 3 = 43.33
        #expect(abs(stats.averageDaysToPay - 130.0 / 3) < 1e-12)
    }

    /// A credit note is not a payment: an invoice returned wholly is left out of the paid
    /// invoices, one returned in part is weighed by what was paid of it.
    @Test func creditNotesAreLeftOutOfThePaidFigures() {
        func note(_ day: String, _ delta: String) -> ReceivableMovement { ReceivableMovement(date: Book.date(day), delta: Book.money(delta), credit: true) }
        let returned = ReceivableHistory(invoiceId: "R", customerId: "C-1", amount: Book.money("500.00"), invoiceDate: Book.date("2026-10-01"),
                                         dueDate: Book.date("2026-10-31"), movements: [note("2026-11-20", "-500.00")])
        var part = ReceivableHistory(invoiceId: "P", customerId: "C-1", amount: Book.money("1000.00"), invoiceDate: Book.date("2026-10-01"),
                                     dueDate: Book.date("2026-10-31"), movements: [note("2026-10-05", "-250.00")])
        part.movements.append(ReceivableMovement(date: Book.date("2026-11-10"), delta: Book.money("-750.00")))
        #expect(returned.paidAmount(asOf: asOf) == .zero && returned.creditedAmount(asOf: asOf) == Book.money("500.00"))
        #expect(part.paidAmount(asOf: asOf) == Book.money("750.00"))
        #expect(part.paidAmount(asOf: Book.date("2026-10-04")) == Book.money("1000.00"), "before the note")
        let stats = PaidInvoiceStats.of([returned, part], asOf: asOf, periodDays: 90)
        #expect(stats.count == 1 && stats.paidAmount == Book.money("750.00") && stats.lateCount == 1)
        let report = CollectionAnalytics.report(CollectionBook(currency: Currency(code: "EUR")!, invoices: [returned, part], holds: [], notices: [],
                                                               customers: [], dunningLevels: []), asOf: asOf, periodDays: 90)
        #expect(report.paidInvoices == stats)
    }

    @Test func paidDateAndOpenAmountAsOfAnyDate() {
        let f = Self.paidBook[5]
        #expect(f.openAmount(asOf: Book.date("2026-09-14")) == .zero)    // before it was issued
        #expect(f.openAmount(asOf: Book.date("2026-10-20")) == Book.money("400.00"))
        #expect(f.paidDate(asOf: Book.date("2026-11-13")) == nil)
        #expect(f.paidDate(asOf: asOf) == Book.date("2026-11-14"))
        let g = Self.paidBook[6]
        #expect(g.paidDate(asOf: Book.date("2026-11-03")) == Book.date("2026-11-01"))
        #expect(g.paidDate(asOf: asOf) == nil)
        #expect(g.openAmount(asOf: asOf) == Book.money("800.00"))
    }

    @Test func partlyPaidInvoiceAgesItsOpenRest() {
        let aging = AgingBuckets.of(Self.paidBook, asOf: asOf)
        #expect(aging.notDue == Book.money("400.00"))          // E
        #expect(aging.days1to30 == Book.money("1300.00"))      // D 500 + G 800
        #expect(aging.total == Book.money("1700.00"))
    }

    @Test func holdStatistics() {
        func t(_ text: String) -> Timestamp { Timestamp(rfc3339: text)! }
        let holds = [
            HoldRecord(orderId: "H1", customerId: "C-1", value: Book.money("100"), heldAt: t("2026-11-01T10:00:00Z"), releasedAt: t("2026-11-01T12:00:00Z"), releasedBy: .automatic),
            HoldRecord(orderId: "H2", customerId: "C-1", value: Book.money("200"), heldAt: t("2026-11-02T00:00:00Z"), releasedAt: t("2026-11-03T00:00:00Z"), releasedBy: .operator),
            HoldRecord(orderId: "H3", customerId: "C-2", value: Book.money("300"), heldAt: t("2026-11-10T00:00:00Z"), releasedAt: t("2026-11-10T06:00:00Z"), releasedBy: .automatic),
            HoldRecord(orderId: "H4", customerId: "C-2", value: Book.money("400"), heldAt: t("2026-11-20T00:00:00Z"), releasedAt: t("2026-11-20T10:00:00Z"), releasedBy: .automatic),
            HoldRecord(orderId: "H5", customerId: "C-3", value: Book.money("50"), heldAt: t("2026-11-25T09:00:00Z")),
            // Placed before the period: not counted.
            HoldRecord(orderId: "H6", customerId: "C-3", value: Book.money("999"), heldAt: t("2026-10-01T09:00:00Z"), releasedAt: t("2026-10-01T10:00:00Z"), releasedBy: .automatic),
            // Released after as_of: still held on as_of.
            HoldRecord(orderId: "H7", customerId: "C-3", value: Book.money("25"), heldAt: t("2026-11-27T09:00:00Z"), releasedAt: t("2026-11-29T00:00:00Z"), releasedBy: .automatic),
        ]
        let stats = HoldStats.of(holds, asOf: asOf, periodDays: 30)
        #expect(stats.count == 6)
        #expect(stats.value == Book.money("1075"))
        #expect(stats.autoReleased == 3)
        #expect(stats.operatorReleased == 1)
        #expect(stats.stillHeld == 2)
        #expect(stats.autoReleasedShare == 0.5)
        // Released: 2 h, 24 h, 6 h, 10 h → median of an even count = (6 + 10) / 2.
        #expect(stats.medianHoursToRelease == 8.0)
    }

    /// A hold whose order was cancelled or shipped in full has nothing left to release: it is
    /// neither released nor still held, and the funnel still adds up.
    @Test func holdsEndedWithoutAReleaseAreNotStillHeld() {
        func t(_ text: String) -> Timestamp { Timestamp(rfc3339: text)! }
        let holds = [
            HoldRecord(orderId: "H1", customerId: "C-1", value: Book.money("100"), heldAt: t("2026-11-01T10:00:00Z"), endedAt: t("2026-11-02T10:00:00Z")),
            HoldRecord(orderId: "H2", customerId: "C-1", value: Book.money("200"), heldAt: t("2026-11-02T00:00:00Z")),
            // Ended after as_of: still held on as_of.
            HoldRecord(orderId: "H3", customerId: "C-2", value: Book.money("300"), heldAt: t("2026-11-27T00:00:00Z"), endedAt: t("2026-11-29T06:00:00Z")),
            HoldRecord(orderId: "H4", customerId: "C-2", value: Book.money("400"), heldAt: t("2026-11-20T00:00:00Z"), releasedAt: t("2026-11-20T10:00:00Z"), releasedBy: .automatic),
        ]
        let stats = HoldStats.of(holds, asOf: asOf, periodDays: 30)
        #expect(stats.count == 4)
        #expect(stats.endedUnreleased == 1)
        #expect(stats.stillHeld == 2)
        #expect(stats.autoReleased + stats.operatorReleased + stats.endedUnreleased + stats.stillHeld == stats.count)
        #expect(stats.autoReleasedShare == 0.25)
        #expect(stats.medianHoursToRelease == 10.0)
    }

    @Test func dunningCureRatePerLevel() {
        func notice(_ level: Int, _ date: String, cured: String? = nil) -> DunningNoticeRecord {
            DunningNoticeRecord(customerId: "C-1", level: level, date: Book.date(date), curedOn: cured.map(Book.date))
        }
        let notices = [
            notice(1, "2026-10-01", cured: "2026-10-15"),   // cured in 14 days
            notice(1, "2026-10-05", cured: "2026-11-10"),   // 36 days: too late
            notice(1, "2026-11-20"),                        // not cured (yet)
            notice(1, "2026-11-01", cured: "2026-12-01"),   // cured after as_of: not known on as_of
            notice(2, "2026-10-10", cured: "2026-11-09"),   // exactly 30 days: counts
            notice(1, "2026-08-01", cured: "2026-08-02"),   // before the period
        ]
        let rows = DunningLevelStats.of(notices, levels: [1, 2, 3], asOf: asOf, periodDays: 90)
        #expect(rows.map(\.level) == [1, 2, 3])
        #expect(rows.map(\.notices) == [4, 1, 0])
        #expect(rows.map(\.cured) == [1, 1, 0])
        #expect(rows.map(\.curedShare) == [0.25, 1.0, 0.0])
    }

    @Test func topRiskRanking() {
        let invoices = [
            Book.invoice("I1", customer: "C-1", "2000.00", issued: "2026-09-01", due: "2026-10-01"),
            Book.invoice("I2", customer: "C-2", "2000.00", issued: "2026-09-01", due: "2026-10-01"),
            Book.invoice("I3", customer: "C-5", "100.00", issued: "2026-09-01", due: "2026-10-01"),
            // Disputed: not overdue for ranking.
            Book.invoice("I4", customer: "C-4", "9000.00", issued: "2026-09-01", due: "2026-10-01", disputed: true),
            // Not yet due: not overdue.
            Book.invoice("I5", customer: "C-4", "9000.00", issued: "2026-11-01", due: "2026-12-01"),
        ]
        let customers = [
            CustomerProfile(customerId: "C-1", name: "Alpha", creditLimit: Book.money("10000"), exposure: Book.money("5000"), riskClass: "B"),
            CustomerProfile(customerId: "C-2", creditLimit: Book.money("1000"), exposure: Book.money("1500"), riskClass: "C"),
            CustomerProfile(customerId: "C-3", creditLimit: .zero, exposure: Book.money("100")),
            CustomerProfile(customerId: "C-4", creditLimit: Book.money("5000"), exposure: .zero),
            CustomerProfile(customerId: "C-6", creditLimit: Book.money("5000"), exposure: .zero),
        ]
        let rows = TopRiskCustomer.of(invoices: invoices, customers: customers, asOf: asOf, limit: 10)
        // Overdue first (C-1 and C-2 tie at 2000: higher utilization first), then C-5 (overdue,
        // no profile), then C-3 (no limit: 99.99); C-4 and C-6 have neither and are left out.
        #expect(rows.map(\.customerId) == ["C-2", "C-1", "C-5", "C-3"])
        #expect(rows[0].utilization == 1.5)
        #expect(rows[1].name == "Alpha")
        #expect(rows[3].utilization == CustomerProfile.noLimitUtilization)
        #expect(TopRiskCustomer.of(invoices: invoices, customers: customers, asOf: asOf, limit: 2).map(\.customerId) == ["C-2", "C-1"])
    }

    /// A dispute counts from the day it was opened to the day it was resolved, as of each date:
    /// in the top-risk overdue amounts and nowhere else (the aging keeps disputed receivables).
    @Test func disputesCountAsOfTheirDates() {
        let disputes = [DisputeChange(date: Book.date("2026-10-10"), disputed: true),
                        DisputeChange(date: Book.date("2026-10-20"), disputed: false),
                        // Opened and resolved on one day: the last recorded decides that day.
                        DisputeChange(date: Book.date("2026-11-05"), disputed: true),
                        DisputeChange(date: Book.date("2026-11-05"), disputed: false),
                        DisputeChange(date: Book.date("2026-11-20"), disputed: true)]
        let invoice = ReceivableHistory(invoiceId: "I1", customerId: "C-1", amount: Book.money("700.00"), invoiceDate: Book.date("2026-09-01"),
                                        dueDate: Book.date("2026-10-01"), disputes: disputes)
        let expected: [(String, Bool)] = [("2026-10-09", false), ("2026-10-10", true), ("2026-10-19", true), ("2026-10-20", false),
                                          ("2026-11-05", false), ("2026-11-19", false), ("2026-11-20", true), ("2026-12-31", true)]
        for (day, disputed) in expected {
            #expect(invoice.isDisputed(asOf: Book.date(day)) == disputed, "\(day)")
            let report = CollectionAnalytics.report(CollectionBook(currency: Book.eur, invoices: [invoice], holds: [], notices: [], customers: [],
                                                                   dunningLevels: []), asOf: Book.date(day), periodDays: 30)
            #expect(report.topRisk.first?.overdue == (disputed ? nil : Book.money("700.00")), "\(day)")
            #expect(report.aging.total == Book.money("700.00"), "\(day)")
            #expect(TopRiskCustomer.of(invoices: [invoice], customers: [], asOf: Book.date(day), limit: 5).isEmpty == disputed, "\(day)")
        }
        // Recorded out of date order (a late event): the latest date decides, not the last row.
        let late = ReceivableHistory(invoiceId: "I2", customerId: "C-1", amount: Book.money("1.00"), invoiceDate: Book.date("2026-09-01"),
                                     dueDate: Book.date("2026-10-01"),
                                     disputes: [DisputeChange(date: Book.date("2026-10-15"), disputed: false),
                                                DisputeChange(date: Book.date("2026-10-10"), disputed: true)])
        #expect(late.isDisputed(asOf: Book.date("2026-10-12")))
        #expect(!late.isDisputed(asOf: Book.date("2026-10-15")))
        // The shorthand: disputed since the invoice date.
        #expect(Book.invoice("I3", "1.00", issued: "2026-09-01", due: "2026-10-01", disputed: true).isDisputed(asOf: Book.date("2026-09-01")))
        #expect(!Book.invoice("I3", "1.00", issued: "2026-09-01", due: "2026-10-01", disputed: true).isDisputed(asOf: Book.date("2026-08-31")))
    }

    /// The selection that ranks without sorting the book gives the full sort's first rows, on
    /// random books full of ties (equal overdue amounts, equal utilizations, no limit, negative
    /// exposure, overdue customers without a profile) for every table size.
    @Test func topRiskSelectionEqualsTheFullSort() {
        var generator = SystemRandomNumberGenerator()
        func reference(_ overdue: [String: DecimalAmount], _ customers: [CustomerProfile], limit: Int) -> [TopRiskCustomer] {
            var rows = customers.map { TopRiskCustomer(customerId: $0.customerId, name: $0.name, overdue: overdue[$0.customerId] ?? .zero,
                                                       utilization: $0.utilization, riskClass: $0.riskClass) }
            let profiled = Set(customers.map(\.customerId))
            rows += overdue.filter { !profiled.contains($0.key) }.map { TopRiskCustomer(customerId: $0.key, overdue: $0.value, utilization: 0) }
            let sorted = rows.filter { $0.overdue.isPositive || $0.utilization > 0 }.sorted { $0.ranksAbove($1) }
            return Array(sorted.prefix(max(0, limit)))
        }
        for round in 0..<200 {
            let count = Int.random(in: 0...60, using: &generator)
            var overdue: [String: DecimalAmount] = [:]
            var customers: [CustomerProfile] = []
            for n in 0..<count {
                let id = "C-\(n)"
                if Bool.random(using: &generator) { overdue[id] = Book.money(["0", "100", "100", "250.50", "-5"].randomElement(using: &generator)!) }
                if n % 7 != 3 {
                    customers.append(CustomerProfile(customerId: id, creditLimit: Book.money(["0", "1000", "1000", "5000"].randomElement(using: &generator)!),
                                                     exposure: Book.money(["0", "500", "500", "1500", "-20"].randomElement(using: &generator)!)))
                }
            }
            for limit in [0, 1, 2, 5, 10, 100] {
                let expected = reference(overdue, customers, limit: limit)
                #expect(TopRiskCustomer.join(overdue: overdue, customers: customers, limit: limit) == expected, "round \(round), limit \(limit)")
                #expect(TopRiskCustomer.ranked(expected.reversed(), limit: limit) == Array(expected.prefix(limit)))
            }
        }
    }

    /// The spec's countback example built as a book: sales of the three 30-day months before
    /// as_of are 100,000 / 80,000 / 70,000, and 38,000 of the oldest is paid, so receivables are
    /// 212,000 → 73.7 days.
    @Test func countbackThroughTheReport() {
        let d = asOf
        func day(_ offset: Int) -> String { d.adding(days: -offset).text }
        let book = CollectionBook(currency: Book.eur, invoices: [
            Book.invoice("M0", "100000.00", issued: day(5), due: day(-25)),
            Book.invoice("M1", "80000.00", issued: day(35), due: day(5)),
            Book.invoice("M2", "70000.00", issued: day(65), due: day(35), movements: [(day(10), "-38000.00")]),
            Book.invoice("M3", "50000.00", issued: day(95), due: day(65), movements: [(day(40), "-50000.00")]),
        ])
        let report = CollectionAnalytics.report(book, asOf: d, periodDays: 90)
        #expect(report.aging.total == Book.money("212000.00"))
        #expect(abs(report.countbackDSO - (60 + 32.0 / 70 * 30)) < 1e-9)
        // DSO: 212,000 / 250,000 × 90 = 76.32; best possible: 100,000 / 250,000 × 90 = 36.0.
        #expect(abs(report.dso - 76.32) < 1e-9)
        #expect(abs(report.bestPossibleDSO - 36.0) < 1e-9)
        #expect(abs(report.averageDaysDelinquent - 40.32) < 1e-9)
        // CEI: start (d − 90) receivables = M3 50,000; sales 250,000, N = 3:
        // (50,000 + 83,333.33 − 212,000) / (50,000 + 83,333.33 − 100,000) × 100 = −236.0 %.
        #expect(abs(report.cei - (50000 + 250000.0 / 3 - 212000) / (50000 + 250000.0 / 3 - 100000) * 100) < 1e-6)
    }

    @Test func customerFilterKeepsOnlyThatCustomer() {
        let book = CollectionBook(currency: Book.eur, invoices: [
            Book.invoice("I1", customer: "C-1", "100.00", issued: "2026-11-01", due: "2026-11-10"),
            Book.invoice("I2", customer: "C-2", "900.00", issued: "2026-11-01", due: "2026-12-10"),
        ])
        let one = CollectionAnalytics.report(book, asOf: asOf, periodDays: 30, customer: "C-1")
        #expect(one.customerId == "C-1")
        #expect(one.aging.total == Book.money("100.00"))
        #expect(one.aging.days1to30 == Book.money("100.00"))
        #expect(abs(one.dso - 30) < 1e-9)
        #expect(one.topRisk.map(\.customerId) == ["C-1"])
        let all = CollectionAnalytics.report(book, asOf: asOf, periodDays: 30)
        #expect(all.aging.total == Book.money("1000.00"))
    }

    @Test func emptyBookReportsZeros() {
        let book = CollectionBook(currency: Book.eur, dunningLevels: [1, 2])
        let (report, trend) = CollectionAnalytics.reportWithTrend(book, asOf: asOf, periodDays: 90)
        #expect(report.aging.total == .zero)
        #expect([report.dso, report.countbackDSO, report.bestPossibleDSO, report.averageDaysDelinquent, report.cei] == [0, 0, 0, 0, 0])
        #expect(report.paidInvoices.averageDaysLateWeighted == 0)
        #expect(report.holds.medianHoursToRelease == 0)
        #expect(report.dunning.map(\.notices) == [0, 0])
        #expect(report.topRisk.isEmpty)
        #expect(trend.count == 12)
        #expect(trend.allSatisfy { $0.dso == 0 && $0.cei == 0 })
    }

    @Test func monthEndsOfTheTrend() {
        let dates = CollectionAnalytics.monthEnds(asOf: asOf).map(\.text)
        #expect(dates == ["2025-12-31", "2026-01-31", "2026-02-28", "2026-03-31", "2026-04-30", "2026-05-31",
                          "2026-06-30", "2026-07-31", "2026-08-31", "2026-09-30", "2026-10-31", "2026-11-28"])
        #expect(CollectionAnalytics.monthEnds(asOf: Book.date("2024-03-31"), months: 3).map(\.text) == ["2024-01-31", "2024-02-29", "2024-03-31"])
    }

    /// The timeline's sweep must agree with the direct per-invoice computation on every date,
    /// including movements before the invoice date, due dates before invoice dates and reversals.
    @Test func timelineAgreesWithDirectComputation() {
        var random = SplitMix64(seed: 7)
        let base = Book.date("2025-01-01")
        var invoices: [ReceivableHistory] = []
        for index in 0..<400 {
            let issued = base.adding(days: Int(random.next() % 600))
            let due = issued.adding(days: Int(random.next() % 70) - 5)
            let amount = DecimalAmount(mantissa: Int128(1 + random.next() % 1_000_000), scale: 2)
            var movements: [ReceivableMovement] = []
            for _ in 0..<Int(random.next() % 4) {
                let delta = DecimalAmount(mantissa: -Int128(random.next() % 400_000), scale: 2)
                movements.append(ReceivableMovement(date: issued.adding(days: Int(random.next() % 120) - 10), delta: delta))
            }
            if random.next() % 5 == 0, let first = movements.first {
                movements.append(ReceivableMovement(date: first.date.adding(days: 3), delta: -first.delta))
            }
            invoices.append(ReceivableHistory(invoiceId: "I-\(index)", customerId: "C-\(index % 17)", amount: amount,
                                              invoiceDate: issued, dueDate: due, movements: movements))
        }
        let timeline = ReceivablesTimeline(invoices)
        for offset in stride(from: -20, through: 760, by: 13) {
            let date = base.adding(days: offset)
            let aging = AgingBuckets.of(invoices, asOf: date)
            #expect(timeline.receivables(asOf: date) == aging.total, "receivables on \(date)")
            #expect(timeline.notDue(asOf: date) == aging.notDue, "not yet due on \(date)")
            let start = date.adding(days: -90)
            let sales = invoices.filter { $0.invoiceDate > start && $0.invoiceDate <= date }.reduce(DecimalAmount.zero) { $0 + $1.amount }
            #expect(timeline.creditSales(after: start, through: date) == sales, "sales to \(date)")
        }
    }

    @Test func trendEndsWithTheReportItself() {
        let (report, trend) = CollectionAnalytics.reportWithTrend(
            CollectionBook(currency: Book.eur, invoices: Self.paidBook), asOf: asOf, periodDays: 90)
        #expect(trend.last?.date == asOf)
        #expect(trend.last?.dso == report.dso)
        #expect(trend.last?.cei == report.cei)
        #expect(trend.last?.receivables == report.aging.total)
    }
}

@Suite("Collection timeline")
struct ReceivablesTimelineTests {
    /// An absurd due date (year 9999) would make a dense day array huge; the timeline switches to
    /// the days that occur and must give the same figures.
    @Test func sparseTimelineForAbsurdDates() {
        let invoices = [
            Book.invoice("I1", "100.00", issued: "2026-01-10", due: "9999-12-31", movements: [("2026-02-01", "-40.00")]),
            Book.invoice("I2", "50.00", issued: "2026-01-20", due: "2026-02-19"),
        ]
        let timeline = ReceivablesTimeline(invoices)
        #expect(timeline.sparseDays != nil)
        for text in ["2026-01-09", "2026-01-10", "2026-01-25", "2026-02-01", "2026-02-19", "2026-02-20", "2027-01-01"] {
            let date = Book.date(text)
            let aging = AgingBuckets.of(invoices, asOf: date)
            #expect(timeline.receivables(asOf: date) == aging.total, "\(text)")
            #expect(timeline.notDue(asOf: date) == aging.notDue, "\(text)")
        }
        #expect(timeline.creditSales(after: Book.date("2026-01-10"), through: Book.date("2026-01-31")) == Book.money("50.00"))
    }
}
