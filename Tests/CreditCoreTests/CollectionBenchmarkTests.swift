import Foundation
import Testing
import CreditCore

/// The report over a generated book of 100,000 customers and 1,000,000 invoices, timed in
/// process and printed. Slow to generate, so it runs only with `CREDITD_BENCH_ANALYTICS=1`:
///   CREDITD_BENCH_ANALYTICS=1 swift test -c release --filter CollectionBenchmark
/// No timing assertion (machines differ); it asserts the work was really done.
@Suite("Collection benchmark", .enabled(if: ProcessInfo.processInfo.environment["CREDITD_BENCH_ANALYTICS"] != nil))
struct CollectionBenchmarkTests {
    static func generatedBook(invoices invoiceCount: Int, customers customerCount: Int) -> CollectionBook {
        var random = SplitMix64(seed: 2026)
        let start = LocalDate("2024-12-01")!
        var invoices: [ReceivableHistory] = []
        invoices.reserveCapacity(invoiceCount)
        for index in 0..<invoiceCount {
            let issued = start.adding(days: Int(random.next() % 730))
            let due = issued.adding(days: [14, 30, 30, 45, 60][Int(random.next() % 5)])
            let amount = DecimalAmount(mantissa: Int128(10_000 + random.next() % 5_000_000), scale: 2)
            var movements: [ReceivableMovement] = []
            switch random.next() % 10 {
            case 0...6:
                movements.append(ReceivableMovement(date: due.adding(days: Int(random.next() % 60) - 20), delta: -amount))
            case 7:
                let part = DecimalAmount(mantissa: amount.mantissa / 2, scale: 2)
                movements.append(ReceivableMovement(date: issued.adding(days: Int(random.next() % 40)), delta: -part))
                movements.append(ReceivableMovement(date: due.adding(days: Int(random.next() % 90)), delta: part - amount))
            default:
                break
            }
            invoices.append(ReceivableHistory(invoiceId: "I-\(index)", customerId: "C-\(index % customerCount)", amount: amount,
                                              invoiceDate: issued, dueDate: due, movements: movements, disputed: index % 97 == 0))
        }
        var holds: [HoldRecord] = []
        for index in 0..<(invoiceCount / 5) {
            let heldAt = start.adding(days: Int(random.next() % 730)).startOfDay.adding(microseconds: Int64(random.next() % 86_400) * 1_000_000)
            let released = random.next() % 10 < 8
            holds.append(HoldRecord(orderId: "O-\(index)", customerId: "C-\(index % customerCount)",
                                    value: DecimalAmount(mantissa: Int128(10_000 + random.next() % 1_000_000), scale: 2), heldAt: heldAt,
                                    releasedAt: released ? heldAt.adding(microseconds: Int64(random.next() % 200) * 3_600_000_000) : nil,
                                    releasedBy: released ? (random.next() % 4 == 0 ? .operator : .automatic) : nil))
        }
        var notices: [DunningNoticeRecord] = []
        for index in 0..<(invoiceCount / 10) {
            let date = start.adding(days: Int(random.next() % 730))
            notices.append(DunningNoticeRecord(customerId: "C-\(index % customerCount)", level: 1 + Int(random.next() % 3), date: date,
                                               curedOn: random.next() % 2 == 0 ? date.adding(days: Int(random.next() % 60)) : nil))
        }
        let customers = (0..<customerCount).map { index in
            CustomerProfile(customerId: "C-\(index)", name: "Customer \(index)", creditLimit: DecimalAmount(mantissa: Int128(1_000_000 + random.next() % 10_000_000), scale: 2),
                            exposure: DecimalAmount(mantissa: Int128(random.next() % 12_000_000), scale: 2), riskClass: ["A", "B", "C", "D"][Int(random.next() % 4)])
        }
        return CollectionBook(currency: Currency(code: "EUR")!, invoices: invoices, holds: holds, notices: notices,
                              customers: customers, dunningLevels: [1, 2, 3])
    }

    @Test func reportOverAMillionInvoices() {
        let book = Self.generatedBook(invoices: 1_000_000, customers: 100_000)
        let asOf = LocalDate("2026-11-28")!
        let clock = ContinuousClock()
        var result: (report: CollectionReport, trend: [CollectionTrendPoint])?
        let reportTime = clock.measure {
            result = CollectionAnalytics.reportWithTrend(book, asOf: asOf, periodDays: 90)
        }
        guard let (report, trend) = result else { Issue.record("no report"); return }
        var html = ""
        let htmlTime = clock.measure { html = report.html(trend: trend) }
        let customerTime = clock.measure { _ = CollectionAnalytics.report(book, asOf: asOf, periodDays: 90, customer: "C-42") }
        print("collection report, 1,000,000 invoices / 100,000 customers: report + 12-month trend \(reportTime), HTML \(htmlTime) (\(html.utf8.count) bytes), one customer \(customerTime)")
        #expect(report.aging.total.isPositive)
        #expect(report.paidInvoices.count > 0)
        #expect(report.topRisk.count == CollectionAnalytics.defaultTopRiskLimit)
        #expect(trend.count == 12)
    }
}
