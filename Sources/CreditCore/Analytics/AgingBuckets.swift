/// Open receivables by days past due as of a date. "Due today" is not yet due (0 days past due).
/// Disputed invoices stay in (they are receivables); overpaid invoices (negative open amounts) stay
/// in too, so the total always equals the receivables DSO divides.
public struct AgingBuckets: Sendable, Equatable {
    public var notDue: DecimalAmount = .zero
    public var days1to30: DecimalAmount = .zero
    public var days31to60: DecimalAmount = .zero
    public var days61to90: DecimalAmount = .zero
    public var over90: DecimalAmount = .zero

    public init() {}

    public var total: DecimalAmount { notDue + days1to30 + days31to60 + days61to90 + over90 }

    /// Bucket labels in order, as tables and charts show them.
    public static let labels = ["Not yet due", "1-30", "31-60", "61-90", "Over 90"]

    /// The five amounts in `labels` order.
    public var amounts: [DecimalAmount] { [notDue, days1to30, days31to60, days61to90, over90] }

    /// Which bucket (0...4, `labels` order) an amount `daysPastDue` days past due falls in.
    public static func bucket(daysPastDue: Int) -> Int {
        switch daysPastDue {
        case ...0: 0
        case 1...30: 1
        case 31...60: 2
        case 61...90: 3
        default: 4
        }
    }

    public mutating func add(_ amount: DecimalAmount, daysPastDue: Int) {
        switch AgingBuckets.bucket(daysPastDue: daysPastDue) {
        case 0: notDue += amount
        case 1: days1to30 += amount
        case 2: days31to60 += amount
        case 3: days61to90 += amount
        default: over90 += amount
        }
    }

    /// The aging of `invoices` at the end of `asOf`.
    public static func of(_ invoices: [ReceivableHistory], asOf: LocalDate) -> AgingBuckets {
        var aging = AgingBuckets()
        for invoice in invoices {
            let open = invoice.openAmount(asOf: asOf)
            if open.isZero { continue }
            aging.add(open, daysPastDue: asOf.days(since: invoice.dueDate))
        }
        return aging
    }
}
