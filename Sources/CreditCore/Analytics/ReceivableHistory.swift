/// One dated change to an invoice's open amount: a payment or credit note (negative), a reversed
/// payment (positive), or a further shipment invoiced on it (`sale`: positive, and a credit sale
/// on its own date). Only the UTC date matters for analytics.
public struct ReceivableMovement: Sendable, Equatable {
    public var date: LocalDate
    /// Signed change to the open amount, in the credit currency.
    public var delta: DecimalAmount
    /// More goods invoiced on the invoice: a credit sale of `delta` on `date`.
    public var sale: Bool
    /// A credit note (goods returned) rather than cash: it settles the invoice without the
    /// customer paying, so the paid-invoice figures leave it out.
    public var credit: Bool

    public init(date: LocalDate, delta: DecimalAmount, sale: Bool = false, credit: Bool = false) {
        self.date = date
        self.delta = delta
        self.sale = sale
        self.credit = credit
    }
}

/// A dispute opened (`disputed` true) or resolved on an invoice, dated by the business date of
/// the event.
public struct DisputeChange: Sendable, Equatable {
    public var date: LocalDate
    public var disputed: Bool

    public init(date: LocalDate, disputed: Bool) {
        self.date = date
        self.disputed = disputed
    }
}

/// An issued invoice with the history of its open amount, so that the open amount and the paid
/// date can be derived as of any date (the daemon's history table, not the live state).
public struct ReceivableHistory: Sendable, Equatable {
    public var invoiceId: String
    public var customerId: String
    /// The amount invoiced on `invoiceDate` in the credit currency, a credit sale on that date;
    /// later shipments on the same invoice are `sale` movements.
    public var amount: DecimalAmount
    public var invoiceDate: LocalDate
    public var dueDate: LocalDate
    /// Movements in any order; movements dated before the invoice date count on the invoice date.
    public var movements: [ReceivableMovement]
    /// Disputes opened and resolved, in the order they were recorded. A disputed invoice stays in
    /// the aging (it is a receivable) but is not overdue for the top-risk table.
    public var disputes: [DisputeChange]

    /// `disputed` is shorthand for one dispute opened on the invoice date and never resolved.
    public init(invoiceId: String, customerId: String, amount: DecimalAmount, invoiceDate: LocalDate,
                dueDate: LocalDate, movements: [ReceivableMovement] = [], disputed: Bool = false, disputes: [DisputeChange] = []) {
        self.invoiceId = invoiceId
        self.customerId = customerId
        self.amount = amount
        self.invoiceDate = invoiceDate
        self.dueDate = dueDate
        self.movements = movements
        self.disputes = disputed && disputes.isEmpty ? [DisputeChange(date: invoiceDate, disputed: true)] : disputes
    }

    /// Whether the invoice was in dispute at the end of `date`: the latest change dated then or
    /// before decides (of one day's changes, the last recorded); none, not disputed.
    public func isDisputed(asOf date: LocalDate) -> Bool {
        var latest: DisputeChange?
        for change in disputes where change.date <= date {
            if latest == nil || change.date >= latest!.date { latest = change }
        }
        return latest?.disputed ?? false
    }

    /// What was invoiced by the end of `date`: the first amount and the shipments added since.
    public func invoicedAmount(asOf date: LocalDate) -> DecimalAmount {
        var total = amount
        for movement in movements where movement.sale && movement.date <= date { total += movement.delta }
        return total
    }

    /// What credit notes took off the invoice by the end of `date`.
    public func creditedAmount(asOf date: LocalDate) -> DecimalAmount {
        var total = DecimalAmount.zero
        for movement in movements where movement.credit && movement.date <= date { total -= movement.delta }
        return total
    }

    /// What the customer paid for, by the end of `date`: invoiced less credited. An invoice that
    /// credit notes settled wholly is not a paid invoice (zero here), as in the scoring.
    public func paidAmount(asOf date: LocalDate) -> DecimalAmount {
        invoicedAmount(asOf: date) - creditedAmount(asOf: date)
    }

    /// What the customer still owed at the end of `date`; zero before the invoice date.
    public func openAmount(asOf date: LocalDate) -> DecimalAmount {
        guard invoiceDate <= date else { return .zero }
        var open = amount
        for movement in movements where movement.date <= date { open += movement.delta }
        return open
    }

    /// The date of the movement that last brought the open amount to zero (or below) and kept it
    /// there through `date`; nil while something is still open. A reversed payment reopens the
    /// invoice, so its earlier paid date no longer counts.
    public func paidDate(asOf date: LocalDate) -> LocalDate? {
        guard invoiceDate <= date, amount.isPositive else { return nil }
        var open = amount
        var paid: LocalDate?
        if movements.isEmpty { return nil }
        let ordered = ReceivableHistory.isSortedByDate(movements) ? movements : movements.sorted { $0.date < $1.date }
        var index = 0
        while index < ordered.count {
            let day = ordered[index].date
            if day > date { break }
            // Movements of one day are netted: only dates are known, and a same-day payment and
            // reversal must not leave a paid date behind.
            while index < ordered.count && ordered[index].date == day {
                open += ordered[index].delta
                index += 1
            }
            if open.isPositive {
                paid = nil
            } else if paid == nil {
                paid = Swift.max(day, invoiceDate)
            }
        }
        return paid
    }

    static func isSortedByDate(_ movements: [ReceivableMovement]) -> Bool {
        var index = 1
        while index < movements.count {
            if movements[index].date < movements[index - 1].date { return false }
            index += 1
        }
        return true
    }
}
