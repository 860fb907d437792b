/// What the scorecard reads from a customer's history (settled invoices, disputes, reversed
/// payments), summed by day, so that a trailing window costs the days it spans rather than every
/// invoice and payment the account ever had.
///
/// Why: the engine rescores after every event, and walking the whole history each time made an
/// event of a busy, old account cost more with every month of its history. The ledger keeps these
/// sums item by item: each entry's items are taken out as they were (the before-images its
/// `LedgerUndo` record holds) and put back in as they are after it. Not stored: rebuilt from the
/// items when a ledger is loaded.
public struct ScoringHistory: Sendable, Equatable {
    /// One day's figures: invoices settled that day (paid less credit notes, days late), invoices
    /// disputed that day, payments reversed that day.
    public struct Day: Sendable, Equatable {
        public var paidCount = 0
        public var paidLateCount = 0
        /// Σ paid × days late, to weight lateness by amount.
        public var weightedDaysLate = DecimalAmount.zero
        public var paidTotal = DecimalAmount.zero
        public var disputes = 0
        public var reversals = 0

        var isEmpty: Bool {
            paidCount == 0 && paidLateCount == 0 && weightedDaysLate.isZero && paidTotal.isZero && disputes == 0 && reversals == 0
        }

        mutating func add(_ other: Day) {
            paidCount += other.paidCount
            paidLateCount += other.paidLateCount
            weightedDaysLate += other.weightedDaysLate
            paidTotal += other.paidTotal
            disputes += other.disputes
            reversals += other.reversals
        }
    }

    struct Dated: Sendable, Equatable {
        var date: LocalDate
        var day: Day
    }

    /// Issued invoices and received payments, whatever their dates (some factors are unmeasured
    /// for a customer never invoiced or who never paid).
    public private(set) var issuedInvoices = 0
    public private(set) var receivedPayments = 0
    /// Days with figures, by date.
    private(set) var days: [Dated] = []

    public init() {}

    /// Summed from every item (loading, and tests against the kept figures).
    init(invoices: some Sequence<Invoice>, payments: some Sequence<PaymentRecord>) {
        for invoice in invoices { add(invoice, sign: 1) }
        for payment in payments { add(payment, sign: 1) }
    }

    /// The figures of the days in `(after, through]`.
    public func window(after start: LocalDate, through end: LocalDate) -> Day {
        var total = Day()
        var index = firstIndex(after: start)
        while index < days.count, days[index].date <= end {
            total.add(days[index].day)
            index += 1
        }
        return total
    }

    /// Counts `invoice` in (`sign` 1) or out (-1): what it adds depends only on the invoice.
    mutating func add(_ invoice: Invoice?, sign: Int) {
        guard let invoice else { return }
        if let disputedOn = invoice.disputedOn {
            change(disputedOn) { $0.disputes += sign }
        }
        guard invoice.issued else { return }
        issuedInvoices += sign
        // Settled: what was paid (less credit notes) and how many days late. Invoices settled
        // wholly by returns are left out.
        guard let paidDate = invoice.paidDate, let dueDate = invoice.dueDate else { return }
        let paid = invoice.amount - invoice.returned
        guard paid.isPositive else { return }
        let daysLate = max(paidDate.days(since: dueDate), 0)
        change(paidDate) { day in
            day.paidCount += sign
            if daysLate > 0 { day.paidLateCount += sign }
            // nil only for amounts far beyond what an event may carry (a damaged row): loading
            // such a ledger must not trap, and out and in still cancel.
            let weighted = paid.multiplied(by: DecimalAmount(daysLate), roundedToScale: paid.scale) ?? .zero
            day.weightedDaysLate += sign > 0 ? weighted : -weighted
            day.paidTotal += sign > 0 ? paid : -paid
        }
    }

    mutating func add(_ payment: PaymentRecord?, sign: Int) {
        guard let payment, payment.received else { return }
        receivedPayments += sign
        if payment.reversed, let reversedOn = payment.reversedOn {
            change(reversedOn) { $0.reversals += sign }
        }
    }

    private mutating func change(_ date: LocalDate, _ update: (inout Day) -> Void) {
        let index = firstIndex(after: date.adding(days: -1))
        if index < days.count, days[index].date == date {
            update(&days[index].day)
            if days[index].day.isEmpty { days.remove(at: index) }
        } else {
            var day = Day()
            update(&day)
            if !day.isEmpty { days.insert(Dated(date: date, day: day), at: index) }
        }
    }

    /// The first day dated after `date`.
    private func firstIndex(after date: LocalDate) -> Int {
        var low = 0, high = days.count
        while low < high {
            let middle = (low + high) / 2
            if days[middle].date <= date { low = middle + 1 } else { high = middle }
        }
        return low
    }
}
