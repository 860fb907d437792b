/// Builds the credit manager's collection report from a `CollectionBook`, as of any date.
public enum CollectionAnalytics {
    /// How many customers the top-risk table lists by default.
    public static let defaultTopRiskLimit = 10

    /// The report for the whole book (or, with `customer`, one customer's part of it) at the end of
    /// `asOf`, for the period (asOf − periodDays, asOf].
    public static func report(_ book: CollectionBook, asOf: LocalDate, periodDays: Int,
                              customer: String? = nil, topRiskLimit: Int = defaultTopRiskLimit) -> CollectionReport {
        let book = customer.map { book.only(customer: $0) } ?? book
        let timeline = ReceivablesTimeline(book.invoices)
        return report(book, timeline: timeline, asOf: asOf, periodDays: periodDays, customer: customer, topRiskLimit: topRiskLimit)
    }

    /// The same with a timeline already built from `book.invoices` (the trend reuses it).
    public static func report(_ book: CollectionBook, timeline: ReceivablesTimeline, asOf: LocalDate, periodDays: Int,
                              customer: String? = nil, topRiskLimit: Int = defaultTopRiskLimit) -> CollectionReport {
        // One pass over the invoices for everything that needs the open amount on as_of.
        var aging = AgingBuckets()
        var paid = PaidInvoiceStats()
        var overdue: [String: DecimalAmount] = [:]
        let periodStart = asOf.adding(days: -periodDays)
        for invoice in book.invoices where invoice.invoiceDate <= asOf {
            let open = invoice.openAmount(asOf: asOf)
            let daysPastDue = asOf.days(since: invoice.dueDate)
            if !open.isZero { aging.add(open, daysPastDue: daysPastDue) }
            if open.isPositive && daysPastDue > 0 && !invoice.isDisputed(asOf: asOf) {
                overdue[invoice.customerId, default: .zero] += open
            }
            if !open.isPositive, let paidOn = invoice.paidDate(asOf: asOf), paidOn > periodStart {
                let amount = invoice.paidAmount(asOf: asOf)
                if amount.isPositive {
                    paid.add(amount: amount, invoiceDate: invoice.invoiceDate, dueDate: invoice.dueDate, paidOn: paidOn)
                }
            }
        }
        let figures = ratios(timeline, asOf: asOf, periodDays: periodDays)
        return CollectionReport(
            asOf: asOf,
            periodDays: periodDays,
            currency: book.currency,
            customerId: customer,
            aging: aging,
            dso: figures.dso,
            countbackDSO: CollectionRatios.countbackDSO(receivables: timeline.receivables(asOf: asOf),
                                                        monthlySalesNewestFirst: timeline.monthlySalesNewestFirst(asOf: asOf)),
            bestPossibleDSO: figures.bestPossibleDSO,
            averageDaysDelinquent: figures.averageDaysDelinquent,
            cei: figures.cei,
            paidInvoices: paid,
            holds: HoldStats.of(book.holds, asOf: asOf, periodDays: periodDays),
            dunning: DunningLevelStats.of(book.notices, levels: book.dunningLevels, asOf: asOf, periodDays: periodDays),
            topRisk: TopRiskCustomer.join(overdue: overdue, customers: book.customers, limit: topRiskLimit)
        )
    }

    /// DSO, best possible DSO, ADD and CEI as of `asOf` from the timeline alone.
    public static func ratios(_ timeline: ReceivablesTimeline, asOf: LocalDate, periodDays: Int) -> CollectionTrendPoint {
        let start = asOf.adding(days: -periodDays)
        let receivables = timeline.receivables(asOf: asOf)
        let sales = timeline.creditSales(after: start, through: asOf)
        let notDue = timeline.notDue(asOf: asOf)
        let dso = CollectionRatios.dso(receivables: receivables, creditSales: sales, periodDays: periodDays)
        let best = CollectionRatios.bestPossibleDSO(notDue: notDue, creditSales: sales, periodDays: periodDays)
        let cei = CollectionRatios.cei(receivablesAtStart: timeline.receivables(asOf: start), creditSales: sales,
                                       receivablesAtEnd: receivables, notDueAtEnd: notDue, periodDays: periodDays)
        return CollectionTrendPoint(date: asOf, receivables: receivables, creditSales: sales, dso: dso,
                                    bestPossibleDSO: best, averageDaysDelinquent: CollectionRatios.averageDaysDelinquent(dso: dso, bestPossibleDSO: best),
                                    cei: cei)
    }

    /// The month-end dates of the trend, oldest first: the last day of each of the `months − 1`
    /// calendar months before as_of's month, then as_of itself.
    public static func monthEnds(asOf: LocalDate, months: Int = 12) -> [LocalDate] {
        guard months > 0 else { return [] }
        var dates: [LocalDate] = [asOf]
        // The day before the first of as_of's month is the previous month's end, and so on back.
        var firstOfMonth = LocalDate(daysSinceEpoch: asOf.daysSinceEpoch - asOf.components.day + 1)
        for _ in 1..<months {
            let monthEnd = firstOfMonth.adding(days: -1)
            dates.append(monthEnd)
            firstOfMonth = LocalDate(daysSinceEpoch: monthEnd.daysSinceEpoch - monthEnd.components.day + 1)
        }
        return dates.reversed()
    }

    /// DSO, ADD and CEI at the 12 month-ends, from one timeline (one pass over the invoices, then
    /// lookups): O(invoices + movements + days), independent of the number of customers.
    public static func trend(_ timeline: ReceivablesTimeline, asOf: LocalDate, periodDays: Int, months: Int = 12) -> [CollectionTrendPoint] {
        monthEnds(asOf: asOf, months: months).map { ratios(timeline, asOf: $0, periodDays: periodDays) }
    }

    /// The report and its 12-month trend together, sharing one timeline: what the HTML page needs.
    public static func reportWithTrend(_ book: CollectionBook, asOf: LocalDate, periodDays: Int, customer: String? = nil,
                                       topRiskLimit: Int = defaultTopRiskLimit, months: Int = 12) -> (report: CollectionReport, trend: [CollectionTrendPoint]) {
        let book = customer.map { book.only(customer: $0) } ?? book
        let timeline = ReceivablesTimeline(book.invoices)
        let report = report(book, timeline: timeline, asOf: asOf, periodDays: periodDays, customer: customer, topRiskLimit: topRiskLimit)
        return (report, trend(timeline, asOf: asOf, periodDays: periodDays, months: months))
    }
}
