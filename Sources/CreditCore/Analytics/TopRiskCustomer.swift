/// A row of the top-risk table.
public struct TopRiskCustomer: Sendable, Equatable {
    public var customerId: String
    public var name: String?
    /// Undisputed open receivables past due on as_of (disputed amounts are not dunned).
    public var overdue: DecimalAmount
    /// Exposure ÷ credit limit today (a fraction, can pass 1).
    public var utilization: Double
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
        let candidates = rows.filter { $0.overdue.isPositive || $0.utilization > 0 }
        let sorted = candidates.sorted { a, b in
            if a.overdue != b.overdue { return a.overdue > b.overdue }
            if a.utilization != b.utilization { return a.utilization > b.utilization }
            return a.customerId < b.customerId
        }
        return Array(sorted.prefix(Swift.max(0, limit)))
    }

    /// Overdue amounts per customer (from `invoices` as of `asOf`) joined with the profiles.
    public static func of(invoices: [ReceivableHistory], customers: [CustomerProfile], asOf: LocalDate, limit: Int) -> [TopRiskCustomer] {
        var overdue: [String: DecimalAmount] = [:]
        for invoice in invoices where !invoice.disputed && invoice.dueDate < asOf {
            let open = invoice.openAmount(asOf: asOf)
            if open.isPositive { overdue[invoice.customerId, default: .zero] += open }
        }
        return join(overdue: overdue, customers: customers, limit: limit)
    }

    static func join(overdue: [String: DecimalAmount], customers: [CustomerProfile], limit: Int) -> [TopRiskCustomer] {
        var rows: [TopRiskCustomer] = []
        rows.reserveCapacity(customers.count)
        var seen = Set<String>()
        for customer in customers {
            seen.insert(customer.customerId)
            rows.append(TopRiskCustomer(customerId: customer.customerId, name: customer.name,
                                        overdue: overdue[customer.customerId] ?? .zero,
                                        utilization: customer.utilization, riskClass: customer.riskClass))
        }
        for (customerId, amount) in overdue where !seen.contains(customerId) {
            rows.append(TopRiskCustomer(customerId: customerId, overdue: amount, utilization: 0))
        }
        return ranked(rows, limit: limit)
    }
}
