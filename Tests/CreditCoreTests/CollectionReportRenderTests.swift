import Testing
@testable import CreditCore

@Suite("Collection report rendering")
struct CollectionReportRenderTests {
    static let asOf = Book.date("2026-11-28")
    static let hostile = "<script>alert(\"x\")</script> & Söhne, =HYPERLINK"

    static func sampleBook() -> CollectionBook {
        func t(_ text: String) -> Timestamp { Timestamp(rfc3339: text)! }
        return CollectionBook(
            currency: Book.eur,
            invoices: CollectionAnalyticsTests.paidBook + [
                Book.invoice("X1", customer: "C-evil", "1234.56", issued: "2026-07-01", due: "2026-07-31"),
            ],
            holds: [
                HoldRecord(orderId: "O-1", customerId: "C-1", value: Book.money("100.00"), heldAt: t("2026-11-01T10:00:00Z"),
                           releasedAt: t("2026-11-01T12:00:00Z"), releasedBy: .automatic),
                HoldRecord(orderId: "O-2", customerId: "C-evil", value: Book.money("900.00"), heldAt: t("2026-11-02T10:00:00Z")),
            ],
            notices: [DunningNoticeRecord(customerId: "C-1", level: 1, date: Book.date("2026-10-10"), curedOn: Book.date("2026-10-20"))],
            customers: [
                CustomerProfile(customerId: "C-evil", name: hostile, creditLimit: Book.money("1000.00"), exposure: Book.money("2134.56"), riskClass: "D"),
                CustomerProfile(customerId: "C-1", name: "Alpha GmbH", creditLimit: Book.money("10000.00"), exposure: Book.money("1700.00")),
            ],
            dunningLevels: [1, 2])
    }

    static func sample() -> (CollectionReport, [CollectionTrendPoint]) {
        CollectionAnalytics.reportWithTrend(sampleBook(), asOf: asOf, periodDays: 90)
    }

    /// Key paths of a JSON value, arrays reduced to their first element: the shape, not the data.
    static func shape(_ value: JSONValue, _ prefix: String = "") -> [String] {
        switch value {
        case .object(let members):
            return members.flatMap { [prefix + $0.key] + shape($0.value, prefix + $0.key + ".") }
        case .array(let elements):
            return elements.first.map { shape($0, prefix + "[].") } ?? []
        default:
            return []
        }
    }

    /// The example object of operations.md (`creditctl report --json`), verbatim.
    static let contractExample = """
    {"as_of": "2026-11-28", "period_days": 90, "currency": "EUR",
     "aging": {"not_due": "0.00", "d1_30": "0.00", "d31_60": "0.00", "d61_90": "0.00", "over_90": "0.00", "total": "0.00"},
     "dso": 0.0, "countback_dso": 0.0, "best_possible_dso": 0.0, "add": 0.0, "cei": 0.0,
     "paid_invoices": {"count": 0, "late_share": 0.0, "avg_days_late": 0.0, "avg_days_late_weighted": 0.0, "avg_days_to_pay": 0.0},
     "holds": {"count": 0, "value": "0.00", "auto_released_share": 0.0, "median_hours_to_release": 0.0},
     "dunning": [{"level": 1, "notices": 0, "cured_within_30d_share": 0.0}],
     "top_risk": [{"customer_id": "C-1001", "overdue": "0.00", "utilization": 0.0, "risk_class": null}]}
    """

    @Test func jsonHasExactlyTheContractKeys() throws {
        let contract = try JSONParser.parse(Array(Self.contractExample.utf8)).get()
        let (report, _) = Self.sample()
        #expect(Self.shape(report.json) == Self.shape(contract))
        // An empty book with one dunning level and one customer renders the contract example itself.
        let empty = CollectionBook(currency: Book.eur,
                                   customers: [CustomerProfile(customerId: "C-1001", creditLimit: Book.money("1000.00"), exposure: Book.money("0.01"))],
                                   dunningLevels: [1])
        var emptyReport = CollectionAnalytics.report(empty, asOf: Self.asOf, periodDays: 90)
        emptyReport.topRisk[0].utilization = 0
        #expect(emptyReport.json.canonicalSerialized() == contract.canonicalSerialized())
    }

    @Test func jsonValuesAreMoneyStringsAndRoundedNumbers() {
        let (report, _) = Self.sample()
        let json = report.json
        #expect(json["aging"]?["d1_30"] == .string("1300.00"))       // D 500 + G 800
        #expect(json["aging"]?["over_90"] == .string("1234.56"))
        #expect(json["paid_invoices"]?["count"] == .integer(3))
        #expect(json["paid_invoices"]?["late_share"] == .number("0.6667"))
        #expect(json["paid_invoices"]?["avg_days_late_weighted"] == .number("8.0"))
        #expect(json["holds"]?["value"] == .string("1000.00"))
        #expect(json["holds"]?["auto_released_share"] == .number("0.5"))
        #expect(json["holds"]?["median_hours_to_release"] == .number("2.0"))
        #expect(json["dunning"] == .array([
            .object([JSONMember("level", .integer(1)), JSONMember("notices", .integer(1)), JSONMember("cured_within_30d_share", .number("1.0"))]),
            .object([JSONMember("level", .integer(2)), JSONMember("notices", .integer(0)), JSONMember("cured_within_30d_share", .number("0.0"))]),
        ]))
        guard case .array(let risk)? = json["top_risk"] else { Issue.record("no top_risk"); return }
        // C-1 owes 1300.00 overdue (D and G), C-evil 1234.56: the larger overdue ranks first.
        #expect(risk.count == 2)
        #expect(risk.first?["customer_id"] == .string("C-1"))
        #expect(risk.first?["overdue"] == .string("1300.00"))
        #expect(risk.first?["utilization"] == .number("0.17"))
        #expect(risk.first?["risk_class"] == .null)
        #expect(risk.last?["customer_id"] == .string("C-evil"))
        #expect(risk.last?["overdue"] == .string("1234.56"))
        #expect(risk.last?["utilization"] == .number("2.1346"))
        #expect(risk.last?["risk_class"] == .string("D"))
    }

    @Test func htmlIsSelfContainedWithChartsAndEscapesNames() {
        let (report, trend) = Self.sample()
        let html = report.html(trend: trend, generatedAt: Timestamp(rfc3339: "2026-11-28T12:00:00Z"))
        #expect(html.hasPrefix("<!DOCTYPE html>"))
        // Aging bars, DSO line, CEI line, hold funnel, dunning funnel.
        #expect(html.ranges(of: "<svg class=\"chart\"").count == 5)
        #expect(html.contains("<polyline"))
        #expect(html.contains("<rect class=\"bar\""))
        #expect(html.contains("Aging on 2026-11-28 (EUR)"))
        #expect(html.contains("Days past due"))                      // an axis label
        #expect(html.contains("Month-end"))
        // No external asset, no script, no URL of any kind.
        #expect(!html.lowercased().contains("http"))
        #expect(!html.lowercased().contains("<script"))
        #expect(!html.contains("src="))
        #expect(!html.contains("<link"))
        #expect(html.contains("&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; Söhne, =HYPERLINK"))
        #expect(html.contains("@media print"))
        // The figures are in text too.
        #expect(html.contains("1,234.56"))
        #expect(html.contains(ReportNumber.fixed(report.dso, decimals: 1)))
    }

    @Test func chartAxesCoverNegativeValuesAndStayFinite() {
        let scale = SVGChart.AxisScale(minimum: -236, maximum: 14)
        #expect(scale.minimum <= -236 && scale.maximum >= 14)
        #expect(scale.ticks.contains(0))
        let broken = SVGChart.AxisScale(minimum: -.infinity, maximum: .nan)
        #expect(broken.minimum == 0 && broken.maximum == 1)
        #expect(SVGChart.AxisScale.compact(1_250_000) == "1.3M")
        #expect(SVGChart.AxisScale.compact(45_000) == "45k")
        #expect(SVGChart.AxisScale.compact(7.5) == "7.5")
    }

    @Test func htmlTrendChartsHaveAPointPerMonthOfTheBook() {
        let (report, trend) = Self.sample()
        let html = report.html(trend: trend)
        // DSO, best possible DSO and CEI: three lines of twelve points each, from the first
        // month-end with a book (the sample's starts in the middle of the twelve).
        let shown = trend.fromFirstActivity
        #expect(shown.count > 1 && shown.count < 12 && shown.last == trend.last)
        #expect(html.ranges(of: "<polyline").count == 3)
        #expect(html.ranges(of: "<circle").count == 3 * shown.count)
        #expect(!html.contains(">Dec 25<") && html.contains(">Nov 26<"))
        #expect(html.contains("<td>2026-11-28</td>"))
    }

    @Test func customerReportKeepsOnlyItsHoldsAndNotices() {
        let report = CollectionAnalytics.report(Self.sampleBook(), asOf: Self.asOf, periodDays: 90, customer: "C-evil")
        #expect(report.holds.count == 1)
        #expect(report.holds.value == Book.money("900.00"))
        #expect(report.dunning.map(\.notices) == [0, 0])
        #expect(report.aging.total == Book.money("1234.56"))
        #expect(report.html(trend: []).contains("Customer C-evil"))
    }

    @Test func htmlOfAnEmptyBookHasNoNaN() {
        let (report, trend) = CollectionAnalytics.reportWithTrend(CollectionBook(currency: Book.eur), asOf: Self.asOf, periodDays: 90)
        let html = report.html(trend: trend)
        #expect(!html.contains("nan"))
        #expect(!html.contains("inf"))
        #expect(html.contains("None"))
    }

    @Test func csvHasOneSectionPerTableAndQuotesText() {
        let (report, trend) = Self.sample()
        let csv = report.csv(trend: trend)
        let sections = csv.split(separator: "\n").filter { $0.hasPrefix("# section: ") }.map { String($0.dropFirst(11)) }
        #expect(sections == ["summary", "aging", "paid_invoices", "holds", "dunning", "top_risk", "trend"])
        #expect(csv.contains("bucket,amount\nnot_due,400.00\nd1_30,1300.00\n"))
        // The name is quoted (comma, quotes) and a would-be formula is not.
        #expect(csv.contains("C-evil,\"<script>alert(\"\"x\"\")</script> & Söhne, =HYPERLINK\",1234.56,2.1346,D"))
        #expect(CSV.text("=SUM(A1)") == "'=SUM(A1)")
        #expect(CSV.text("-1") == "'-1")
        #expect(CSV.quoted("a,b") == "\"a,b\"")
        #expect(CSV.quoted("plain") == "plain")
        // A line break of either kind is quoted, CR LF too (one Character in Swift).
        #expect(CSV.quoted("Zeta\r\nNewline") == "\"Zeta\r\nNewline\"")
        #expect(CSV.quoted("a\nb") == "\"a\nb\"" && CSV.quoted("a\rb") == "\"a\rb\"")
    }

    @Test func moneyForPeopleIsGrouped() {
        #expect(ReportNumber.grouped("125791197.18") == "125,791,197.18")
        #expect(ReportNumber.grouped("-1234.5") == "-1,234.5")
        #expect(ReportNumber.grouped("999.00") == "999.00")
        #expect(ReportNumber.grouped("100000") == "100,000")
        #expect(ReportNumber.grouped("0.00") == "0.00")
    }

    @Test func textTableIsAlignedAndClean() {
        var (report, trend) = Self.sample()
        report.topRisk[1].name = "Evil\u{1B}[2J Corp"
        let text = report.textTable(trend: trend)
        #expect(text.hasPrefix("Collection report as of 2026-11-28, period 90 days, EUR\n"))
        #expect(text.contains("Aging\nBucket         Amount\n"))
        #expect(text.contains("Over 90      1,234.56\n"))
        #expect(!text.contains("\u{1B}"))
        #expect(text.contains("Month-end trend"))
        #expect(text.contains("Share released automatically    50.0 %"))
    }

    /// Month-ends before the book existed are not shown as zero figures in the text and HTML
    /// reports; the CSV keeps every point.
    @Test func theTrendStartsWhereTheBookDoes() {
        let (report, _) = Self.sample()
        func point(_ date: String, _ receivables: String, _ sales: String) -> CollectionTrendPoint {
            CollectionTrendPoint(date: LocalDate(date)!, receivables: DecimalAmount(stringLiteralFree: receivables), creditSales: DecimalAmount(stringLiteralFree: sales),
                                 dso: receivables == "0" ? 0 : 45, bestPossibleDSO: 0, averageDaysDelinquent: 0, cei: 0)
        }
        let trend = [point("2025-01-31", "0", "0"), point("2025-02-28", "0", "0"), point("2025-03-31", "500.00", "900.00")]
        for page in [report.textTable(trend: trend), report.html(trend: trend)] {
            #expect(page.contains("2025-03-31") && !page.contains("2025-01-31") && !page.contains("2025-02-28"), "\(page)")
        }
        #expect(report.csv(trend: trend).contains("2025-01-31"))
        #expect(Array(trend.prefix(2)).fromFirstActivity.map(\.date.text) == ["2025-02-28"], "an empty book shows its last point")
    }

    /// Exposure without a limit ranks by a stand-in utilization; the tables say "no limit".
    @Test func aCustomerWithoutALimitReadsNoLimitNotAPercentage() {
        var (report, trend) = Self.sample()
        report.topRisk[0].utilization = CustomerProfile.noLimitUtilization
        for page in [report.textTable(trend: trend), report.html(trend: trend, generatedAt: Timestamp(rfc3339: "2026-11-28T10:00:00Z")!)] {
            #expect(page.contains("no limit") && !page.contains("9999.0") && !page.contains("9,999.0"), "\(page.prefix(3000))")
        }
    }
}
