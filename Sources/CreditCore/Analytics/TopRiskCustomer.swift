/// A row of the top-risk table.
public struct TopRiskCustomer: Sendable, Equatable {
    public var customerId: String
    public var name: String?
    /// Undisputed open receivables past due on as_of (disputed amounts are not dunned).
    public var overdue: DecimalAmount
    /// Exposure ÷ credit limit at the end of as_of (a fraction, can pass 1).
    public var utilization: Double
    /// Exposure without a limit: `utilization` is a ranking device then, not a percentage, and
    /// the tables say "no limit" as the other commands do.
    public var hasNoLimit: Bool { utilization == CustomerProfile.noLimitUtilization }
    public var riskClass: String?

    public init(customerId: String, name: String? = nil, overdue: DecimalAmount, utilization: Double, riskClass: String? = nil) {
        self.customerId = customerId
        self.name = name
        self.overdue = overdue
        self.utilization = utilization
        self.riskClass = riskClass
    }

    /// The ranking rule: most overdue first; then highest utilization; then customer id ascending
    /// (so equal rows always come in the same order). Customers with nothing overdue and no
    /// exposure are not risks and are left out.
    public static func ranked(_ rows: [TopRiskCustomer], limit: Int) -> [TopRiskCustomer] {
        var top = Selection(limit: limit)
        for row in rows where row.overdue.isPositive || row.utilization > 0 { top.offer(row) }
        return top.rows
    }

    /// True when `self` ranks above `other`.
    func ranksAbove(_ other: TopRiskCustomer) -> Bool {
        if overdue != other.overdue { return overdue > other.overdue }
        if utilization != other.utilization { return utilization > other.utilization }
        return customerId < other.customerId
    }

    /// Overdue amounts per customer (from `invoices` as of `asOf`) joined with the profiles (which
    /// must be the customers' figures as of the same date).
    public static func of(invoices: [ReceivableHistory], customers: [CustomerProfile], asOf: LocalDate, limit: Int) -> [TopRiskCustomer] {
        var overdue: [String: DecimalAmount] = [:]
        for invoice in invoices where invoice.dueDate < asOf && !invoice.isDisputed(asOf: asOf) {
            let open = invoice.openAmount(asOf: asOf)
            if open.isPositive { overdue[invoice.customerId, default: .zero] += open }
        }
        return join(overdue: overdue, customers: customers, limit: limit)
    }

    /// The ranking over every customer of the book, without sorting the book: the table shows
    /// ten or so of 100,000 customers, so each one only has to beat the current last row. A
    /// customer whose overdue amount is below the last row's cannot enter, and its utilization
    /// (a decimal division) is never computed.
    static func join(overdue: [String: DecimalAmount], customers: [CustomerProfile], limit: Int) -> [TopRiskCustomer] {
        guard limit > 0 else { return [] }
        var top = Selection(limit: limit)
        var unmatched = overdue
        for customer in customers {
            let amount = unmatched.removeValue(forKey: customer.customerId) ?? .zero
            // Utilization is positive only with a positive exposure (see `CustomerProfile.utilization`).
            guard amount.isPositive || customer.exposure.isPositive else { continue }
            if let last = top.full, amount < last.overdue { continue }
            let row = TopRiskCustomer(customerId: customer.customerId, name: customer.name, overdue: amount,
                                      utilization: customer.utilization, riskClass: customer.riskClass)
            if amount.isPositive || row.utilization > 0 { top.offer(row) }
        }
        // Overdue invoices of a customer without a profile row still count.
        for (customerId, amount) in unmatched where amount.isPositive {
            top.offer(TopRiskCustomer(customerId: customerId, overdue: amount, utilization: 0))
        }
        return top.rows
    }

    /// The best `limit` rows offered so far, in ranking order.
    struct Selection {
        let limit: Int
        private(set) var rows: [TopRiskCustomer] = []

        init(limit: Int) {
            self.limit = Swift.max(0, limit)
            rows.reserveCapacity(self.limit + 1)
        }

        /// The last row when the selection is full: a new row must rank above it to enter.
        var full: TopRiskCustomer? { rows.count >= limit ? rows.last : nil }

        mutating func offer(_ row: TopRiskCustomer) {
            guard limit > 0 else { return }
            if let last = full, !row.ranksAbove(last) { return }
            let position = rows.firstIndex { row.ranksAbove($0) } ?? rows.endIndex
            rows.insert(row, at: position)
            if rows.count > limit { rows.removeLast() }
        }
    }
}
