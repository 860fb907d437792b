/// Receivables, credit sales and not-yet-due receivables for every day of the book's history,
/// built in one pass over the invoices: each invoice adds day deltas (its amount on the invoice
/// date, each movement on its date, and the not-yet-due part leaving the day after the due date),
/// then one prefix sum turns deltas into end-of-day figures. Any as-of figure is then a lookup, so
/// twelve month-end reports cost one pass instead of twelve.
///
/// Amounts are kept as `Int128` mantissas at the book's largest scale: exact, and compact enough
/// for a dense array over decades of days.
public struct ReceivablesTimeline: Sendable {
    /// First day held; figures before it are zero.
    let firstDay: Int
    /// Sorted days when the history is too sparse for a dense array (absurd dates); nil when dense.
    let sparseDays: [Int]?
    let scale: Int
    var receivables: [Int128]
    var sales: [Int128]
    var notDue: [Int128]

    /// Above this many days (about 270 years) the timeline keeps only the days that occur.
    static let denseLimit = 100_000

    public init(_ invoices: [ReceivableHistory]) {
        var scale = 0
        var low = Int.max
        var high = Int.min
        for invoice in invoices {
            scale = Swift.max(scale, invoice.amount.scale)
            for movement in invoice.movements { scale = Swift.max(scale, movement.delta.scale) }
            low = Swift.min(low, invoice.invoiceDate.daysSinceEpoch)
            high = Swift.max(high, invoice.invoiceDate.daysSinceEpoch, invoice.dueDate.daysSinceEpoch + 1)
            for movement in invoice.movements { high = Swift.max(high, movement.date.daysSinceEpoch) }
        }
        self.scale = scale
        guard low <= high else {
            firstDay = 0
            sparseDays = nil
            receivables = []
            sales = []
            notDue = []
            return
        }
        firstDay = low
        var sparseIndex: [Int: Int]?
        if high - low + 1 > ReceivablesTimeline.denseLimit {
            var days = Set<Int>()
            for invoice in invoices {
                days.insert(invoice.invoiceDate.daysSinceEpoch)
                days.insert(invoice.dueDate.daysSinceEpoch + 1)
                for movement in invoice.movements {
                    days.insert(Swift.max(movement.date.daysSinceEpoch, invoice.invoiceDate.daysSinceEpoch))
                }
            }
            let sorted = days.sorted()
            sparseDays = sorted
            var index: [Int: Int] = [:]
            for (offset, day) in sorted.enumerated() { index[day] = offset }
            sparseIndex = index
        } else {
            sparseDays = nil
        }
        let count = sparseDays?.count ?? (high - low + 1)
        receivables = Array(repeating: 0, count: count)
        sales = Array(repeating: 0, count: count)
        notDue = Array(repeating: 0, count: count)
        func slot(_ day: Int) -> Int { sparseIndex.map { $0[day]! } ?? (day - low) }

        for invoice in invoices {
            let issued = invoice.invoiceDate.daysSinceEpoch
            let due = invoice.dueDate.daysSinceEpoch
            let amount = ReceivablesTimeline.mantissa(invoice.amount, scale: scale)
            let issuedSlot = slot(issued)
            receivables[issuedSlot] += amount
            sales[issuedSlot] += amount
            // Not yet due from the invoice date through the due date (due today is not yet due).
            let notDueUntilDue = due >= issued
            var openAtDue = amount
            if notDueUntilDue { notDue[issuedSlot] += amount }
            for movement in invoice.movements {
                let day = Swift.max(movement.date.daysSinceEpoch, issued)
                let delta = ReceivablesTimeline.mantissa(movement.delta, scale: scale)
                let movementSlot = slot(day)
                receivables[movementSlot] += delta
                if movement.sale { sales[movementSlot] += delta }
                if notDueUntilDue && day <= due {
                    notDue[movementSlot] += delta
                    openAtDue += delta
                }
            }
            if notDueUntilDue { notDue[slot(due + 1)] -= openAtDue }
        }
        for index in 1..<Swift.max(1, count) {
            receivables[index] += receivables[index - 1]
            sales[index] += sales[index - 1]
            notDue[index] += notDue[index - 1]
        }
    }

    static func mantissa(_ value: DecimalAmount, scale: Int) -> Int128 {
        value.rounded(toScale: scale).mantissa
    }

    /// Index of the last day held at or before `day`; nil before the history starts.
    func slot(atOrBefore day: Int) -> Int? {
        if receivables.isEmpty || day < firstDay { return nil }
        if let days = sparseDays {
            var low = 0
            var high = days.count
            while low < high {
                let mid = (low + high) / 2
                if days[mid] <= day { low = mid + 1 } else { high = mid }
            }
            return low - 1
        }
        return Swift.min(day - firstDay, receivables.count - 1)
    }

    private func value(_ series: [Int128], at date: LocalDate) -> DecimalAmount {
        guard let index = slot(atOrBefore: date.daysSinceEpoch) else { return .zero }
        return DecimalAmount(mantissa: series[index], scale: scale)
    }

    /// Open receivables at the end of `date`.
    public func receivables(asOf date: LocalDate) -> DecimalAmount { value(receivables, at: date) }
    /// Open receivables not yet due (due on or after `date`) at the end of `date`.
    public func notDue(asOf date: LocalDate) -> DecimalAmount { value(notDue, at: date) }
    /// Credit sales (invoiced amounts) dated in (from, to].
    public func creditSales(after from: LocalDate, through to: LocalDate) -> DecimalAmount {
        value(sales, at: to) - value(sales, at: from)
    }

    /// The first invoice date of the history, or nil for an empty book.
    public var firstDate: LocalDate? {
        guard !receivables.isEmpty else { return nil }
        return LocalDate(daysSinceEpoch: firstDay)
    }

    /// Credit sales of the 30-day months ending at `asOf`, newest first, back to the start of history.
    public func monthlySalesNewestFirst(asOf: LocalDate) -> [DecimalAmount] {
        guard let first = firstDate, first <= asOf else { return [] }
        let months = (asOf.days(since: first)) / CollectionRatios.daysPerMonth + 1
        var result: [DecimalAmount] = []
        result.reserveCapacity(months)
        var end = asOf
        for _ in 0..<months {
            let start = end.adding(days: -CollectionRatios.daysPerMonth)
            result.append(creditSales(after: start, through: end))
            end = start
        }
        return result
    }
}
