/// Everything collection analytics reads, as plain values: the daemon fills it from its history
/// tables, tests build it by hand. Amounts are all in `currency`, the credit currency.
public struct CollectionBook: Sendable {
    public var currency: Currency
    public var invoices: [ReceivableHistory]
    public var holds: [HoldRecord]
    public var notices: [DunningNoticeRecord]
    public var customers: [CustomerProfile]
    /// The policy's dunning levels, so a level with no notices still shows (with 0 notices).
    public var dunningLevels: [Int]

    public init(currency: Currency, invoices: [ReceivableHistory] = [], holds: [HoldRecord] = [],
                notices: [DunningNoticeRecord] = [], customers: [CustomerProfile] = [], dunningLevels: [Int] = []) {
        self.currency = currency
        self.invoices = invoices
        self.holds = holds
        self.notices = notices
        self.customers = customers
        self.dunningLevels = dunningLevels
    }

    /// The same book restricted to one customer (`creditctl report --customer ID`).
    public func only(customer customerId: String) -> CollectionBook {
        CollectionBook(
            currency: currency,
            invoices: invoices.filter { $0.customerId == customerId },
            holds: holds.filter { $0.customerId == customerId },
            notices: notices.filter { $0.customerId == customerId },
            customers: customers.filter { $0.customerId == customerId },
            dunningLevels: dunningLevels
        )
    }
}
