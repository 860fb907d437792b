/// The credit manager's collection report as of a date: a value the renderers turn into JSON, CSV,
/// a terminal table or an HTML page. Money in the credit currency; ratios unrounded (rounded only
/// when written).
public struct CollectionReport: Sendable, Equatable {
    public var asOf: LocalDate
    public var periodDays: Int
    public var currency: Currency
    /// The customer the report is restricted to; nil for the whole book.
    public var customerId: String?
    public var aging: AgingBuckets
    public var dso: Double
    public var countbackDSO: Double
    public var bestPossibleDSO: Double
    public var averageDaysDelinquent: Double
    /// Percent.
    public var cei: Double
    public var paidInvoices: PaidInvoiceStats
    public var holds: HoldStats
    public var dunning: [DunningLevelStats]
    public var topRisk: [TopRiskCustomer]

    public init(asOf: LocalDate, periodDays: Int, currency: Currency, customerId: String?, aging: AgingBuckets,
                dso: Double, countbackDSO: Double, bestPossibleDSO: Double, averageDaysDelinquent: Double, cei: Double,
                paidInvoices: PaidInvoiceStats, holds: HoldStats, dunning: [DunningLevelStats], topRisk: [TopRiskCustomer]) {
        self.asOf = asOf
        self.periodDays = periodDays
        self.currency = currency
        self.customerId = customerId
        self.aging = aging
        self.dso = dso
        self.countbackDSO = countbackDSO
        self.bestPossibleDSO = bestPossibleDSO
        self.averageDaysDelinquent = averageDaysDelinquent
        self.cei = cei
        self.paidInvoices = paidInvoices
        self.holds = holds
        self.dunning = dunning
        self.topRisk = topRisk
    }

    /// Money as the contract writes it: a decimal string with the currency's minor unit.
    func money(_ amount: DecimalAmount) -> String { amount.formatted(decimals: currency.minorUnit) }

    /// Money for people (text tables, HTML): thousands grouped with `,`, e.g. `125,791,197.18`.
    func displayMoney(_ amount: DecimalAmount) -> String { ReportNumber.grouped(money(amount)) }
}

/// The ratios of one month-end, for the 12-month trend.
public struct CollectionTrendPoint: Sendable, Equatable {
    public var date: LocalDate
    public var receivables: DecimalAmount
    public var creditSales: DecimalAmount
    public var dso: Double
    public var bestPossibleDSO: Double
    public var averageDaysDelinquent: Double
    public var cei: Double

    public init(date: LocalDate, receivables: DecimalAmount, creditSales: DecimalAmount, dso: Double,
                bestPossibleDSO: Double, averageDaysDelinquent: Double, cei: Double) {
        self.date = date
        self.receivables = receivables
        self.creditSales = creditSales
        self.dso = dso
        self.bestPossibleDSO = bestPossibleDSO
        self.averageDaysDelinquent = averageDaysDelinquent
        self.cei = cei
    }
}

extension Array where Element == CollectionTrendPoint {
    /// The month-ends from the first with receivables or credit sales (at least the last one):
    /// before it the book did not exist yet, and its zeros would read as figures in the tables
    /// (a DSO of 0) and draw as points in the charts. `report --json` keeps every point.
    public var fromFirstActivity: [CollectionTrendPoint] {
        let active = drop { $0.receivables.isZero && $0.creditSales.isZero }
        return active.isEmpty ? Array(suffix(1)) : Array(active)
    }
}
