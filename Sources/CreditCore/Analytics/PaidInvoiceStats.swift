/// How customers paid the invoices paid in the period (as_of − P, as_of]. Days late =
/// max(0, paid − due); days to pay = paid − invoice date; the weighted average weighs each invoice
/// by what the customer paid for (invoiced less credit notes), so one late large invoice counts
/// for more than many small ones. An invoice settled wholly by credit notes is not counted.
public struct PaidInvoiceStats: Sendable, Equatable {
    public var count = 0
    public var lateCount = 0
    public var totalDaysLate = 0
    public var totalDaysToPay = 0
    /// Σ amount × days late and Σ amount, exact.
    public var weightedDaysLate: DecimalAmount = .zero
    public var paidAmount: DecimalAmount = .zero

    public init() {}

    public mutating func add(amount: DecimalAmount, invoiceDate: LocalDate, dueDate: LocalDate, paidOn: LocalDate) {
        let daysLate = Swift.max(0, paidOn.days(since: dueDate))
        count += 1
        if daysLate > 0 { lateCount += 1 }
        totalDaysLate += daysLate
        totalDaysToPay += paidOn.days(since: invoiceDate)
        weightedDaysLate += amount * DecimalAmount(daysLate)
        paidAmount += amount
    }

    /// Share of paid invoices paid after their due date (0...1).
    public var lateShare: Double { count == 0 ? 0 : Double(lateCount) / Double(count) }
    public var averageDaysLate: Double { count == 0 ? 0 : Double(totalDaysLate) / Double(count) }
    public var averageDaysLateWeighted: Double { Ratio.of(weightedDaysLate, paidAmount) }
    public var averageDaysToPay: Double { count == 0 ? 0 : Double(totalDaysToPay) / Double(count) }

    /// The statistics of `invoices` paid in (asOf − periodDays, asOf].
    public static func of(_ invoices: [ReceivableHistory], asOf: LocalDate, periodDays: Int) -> PaidInvoiceStats {
        var stats = PaidInvoiceStats()
        let start = asOf.adding(days: -periodDays)
        for invoice in invoices {
            guard let paid = invoice.paidDate(asOf: asOf), paid > start else { continue }
            let amount = invoice.paidAmount(asOf: asOf)
            guard amount.isPositive else { continue }
            stats.add(amount: amount, invoiceDate: invoice.invoiceDate, dueDate: invoice.dueDate, paidOn: paid)
        }
        return stats
    }
}
