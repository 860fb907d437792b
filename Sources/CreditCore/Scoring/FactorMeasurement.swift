/// Measures each scorecard factor from a customer's own history (and bureau report).
///
/// Values are exact decimals rounded half-even to 2 places, so a value on a bin's edge lands in
/// that bin on every machine. nil means the factor cannot be measured for this customer yet
/// (`ScoringFactor.noDataPoints` says what that is worth).
public struct FactorMeasurement: Sendable {
    public let state: CustomerState
    public let report: BureauReport?
    public let policy: Policy
    public let today: LocalDate
    /// The trailing window is `(windowStart, today]`.
    public let windowStart: LocalDate

    /// The window's figures, shared by the factors: read from the days the ledger keeps summed
    /// (`ScoringHistory`), since the engine rescores after every event.
    let history: History

    struct History: Equatable {
        /// Invoices settled in the window: how many, how many late, Σ paid × days late and Σ paid
        /// (summed here rather than listed: exact sums do not depend on the order of the items).
        var paidCount = 0
        var paidLateCount = 0
        var weightedDaysLate = DecimalAmount.zero
        var paidTotal = DecimalAmount.zero
        var hasInvoices = false
        var disputes = 0
        var hasReceivedPayment = false
        var reversals = 0

        init() {}

        init(_ kept: ScoringHistory, after windowStart: LocalDate, through today: LocalDate) {
            let window = kept.window(after: windowStart, through: today)
            paidCount = window.paidCount
            paidLateCount = window.paidLateCount
            weightedDaysLate = window.weightedDaysLate
            paidTotal = window.paidTotal
            hasInvoices = kept.issuedInvoices > 0
            disputes = window.disputes
            hasReceivedPayment = kept.receivedPayments > 0
            reversals = window.reversals
        }
    }

    public init(state: CustomerState, report: BureauReport?, policy: Policy, today: LocalDate) {
        self.state = state
        self.report = report
        self.policy = policy
        self.today = today
        let windowDays = max(Int(policy.scoring.window.seconds / 86_400), 1)
        let windowStart = today.adding(days: -windowDays)
        self.windowStart = windowStart
        self.history = History(state.ledger.scoringHistory, after: windowStart, through: today)
    }

    static let scale = 2
    static let hundred = DecimalAmount(100)

    public func value(of name: ScoringFactorName) -> DecimalAmount? {
        switch name {
        case .daysLate: daysLate()
        case .paidLateShare: paidLateShare()
        case .overdueShare: overdueShare()
        case .utilization: utilization()
        case .tenureMonths: tenureMonths()
        case .reversedPayments: reversedPayments()
        case .disputes: disputes()
        case .bureauScore: report.map { DecimalAmount($0.score) }
        }
    }

    func daysLate() -> DecimalAmount? {
        history.weightedDaysLate.divided(by: history.paidTotal, roundedToScale: FactorMeasurement.scale)
    }

    func paidLateShare() -> DecimalAmount? {
        (DecimalAmount(history.paidLateCount) * FactorMeasurement.hundred)
            .divided(by: DecimalAmount(history.paidCount), roundedToScale: FactorMeasurement.scale)
    }

    var hasInvoices: Bool { history.hasInvoices }

    /// 0 for a customer who owes nothing now; unmeasured for one never invoiced.
    func overdueShare() -> DecimalAmount? {
        guard hasInvoices else { return nil }
        let open = state.ledger.openReceivables
        guard open.isPositive else { return DecimalAmount.zero.rounded(toScale: FactorMeasurement.scale) }
        let overdue = state.overdue(on: today).total
        return (overdue * FactorMeasurement.hundred).divided(by: open, roundedToScale: FactorMeasurement.scale)
    }

    /// Exposure (0 when in credit) over the limit in force; unmeasured without a positive limit.
    func utilization() -> DecimalAmount? {
        guard let limit = state.creditLimit(policy: policy, today: today), limit.isPositive else { return nil }
        let exposure = DecimalAmount.max(state.exposure().total, .zero)
        return (exposure * FactorMeasurement.hundred).divided(by: limit, roundedToScale: FactorMeasurement.scale)
    }

    /// Whole calendar months from the first day the customer was seen to today.
    func tenureMonths() -> DecimalAmount? {
        guard let first = state.firstSeen?.utcDate, first <= today else { return state.firstSeen == nil ? nil : .zero }
        let from = first.components
        let to = today.components
        var months = (to.year - from.year) * 12 + (to.month - from.month)
        if to.day < from.day { months -= 1 }
        return DecimalAmount(max(months, 0))
    }

    /// Unmeasured for a customer who never paid.
    func reversedPayments() -> DecimalAmount? {
        guard history.hasReceivedPayment else { return nil }
        return DecimalAmount(history.reversals)
    }

    /// Unmeasured for a customer never invoiced.
    func disputes() -> DecimalAmount? {
        guard hasInvoices else { return nil }
        return DecimalAmount(history.disputes)
    }
}
