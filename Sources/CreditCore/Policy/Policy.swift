/// The credit manager's rules (policy.md), validated.
///
/// Everything the engine decides is driven from here rather than from code constants, and the
/// `version` is stamped on every decision so that a decision can be traced to the rules in force.
public struct Policy: Sendable, Equatable {
    public var version: String
    /// The credit currency: limits and exposure are kept in it.
    public var currency: Currency
    /// 1 unit of the keyed currency = this many units of `currency`.
    public var fxRates: [String: DecimalAmount]
    public var customers: CustomerPolicy
    public var creditCheck: CreditCheckPolicy
    public var scheduler: SchedulerPolicy
    public var dunning: DunningPolicy
    public var alerts: AlertPolicy
    public var scoring: ScoringPolicy
    public var limits: LimitsPolicy
    public var bureau: BureauPolicy

    /// A policy with the given version and currency and every other key at its default; handy
    /// for tests and as the starting point of `parse`.
    public init(version: String, currency: Currency) {
        self.version = version
        self.currency = currency
        self.fxRates = [:]
        self.customers = CustomerPolicy()
        self.creditCheck = CreditCheckPolicy()
        self.scheduler = SchedulerPolicy()
        self.dunning = DunningPolicy()
        self.alerts = AlertPolicy()
        self.scoring = ScoringPolicy()
        self.limits = LimitsPolicy()
        self.bureau = BureauPolicy()
    }

    /// The rate turning one unit of `code` into the credit currency; 1 for the credit currency.
    public func rate(for code: String) -> DecimalAmount? {
        if code == currency.code { return DecimalAmount(1) }
        return fxRates[code]
    }

    /// `amount` in the credit currency, rounded half-even to its minor unit (policy.md's rule).
    /// nil when there is no rate or the product overflows.
    public func convert(_ amount: DecimalAmount, from code: String) -> DecimalAmount? {
        if code == currency.code { return amount.rounded(toScale: currency.minorUnit) }
        guard let rate = fxRates[code] else { return nil }
        return amount.multiplied(by: rate, roundedToScale: currency.minorUnit)
    }

    /// Money in the credit currency as the contract writes it (`"1250.00"`).
    public func format(_ amount: DecimalAmount) -> String {
        amount.formatted(decimals: currency.minorUnit)
    }
}

/// The risk classes, best to worst.
public enum RiskClasses {
    public static let all = ["A", "B", "C", "D", "E"]
}

public struct CustomerPolicy: Sendable, Equatable {
    /// The limit of a customer who has none of its own; nil means `NO_CREDIT_LIMIT`.
    public var defaultLimit: DecimalAmount?
    public var defaultPaymentTermsDays: Int = 30
    /// Seed data applied the first time a customer is seen.
    public var overrides: [CustomerOverride] = []

    public init(defaultLimit: DecimalAmount? = nil, defaultPaymentTermsDays: Int = 30, overrides: [CustomerOverride] = []) {
        self.defaultLimit = defaultLimit
        self.defaultPaymentTermsDays = defaultPaymentTermsDays
        self.overrides = overrides
    }

    public func override(for customerId: String) -> CustomerOverride? {
        overrides.first { $0.customerId == customerId }
    }
}

public struct CustomerOverride: Sendable, Equatable {
    public var customerId: String
    public var limit: DecimalAmount?
    public var paymentTermsDays: Int?
    public var blocked: Bool?

    public init(customerId: String, limit: DecimalAmount? = nil, paymentTermsDays: Int? = nil, blocked: Bool? = nil) {
        self.customerId = customerId
        self.limit = limit
        self.paymentTermsDays = paymentTermsDays
        self.blocked = blocked
    }
}

public struct CreditCheckPolicy: Sendable, Equatable {
    /// `PAST_DUE` when the oldest undisputed open invoice is more days past due than this.
    public var maxDaysPastDue: Int?
    /// `PAST_DUE` when the undisputed overdue total exceeds this.
    public var maxOverdueAmount: DecimalAmount?
    /// `MAX_ORDER_VALUE` per risk class; key `default` for customers not scored.
    public var maxOrderValue: [String: DecimalAmount] = [:]
    /// `HIGH_RISK` classes.
    public var holdRiskClasses: Set<String> = []
    /// `LARGE_ORDER_HELD` above this held value.
    public var largeOrderAlert: DecimalAmount?

    public init(maxDaysPastDue: Int? = nil, maxOverdueAmount: DecimalAmount? = nil, maxOrderValue: [String: DecimalAmount] = [:],
                holdRiskClasses: Set<String> = [], largeOrderAlert: DecimalAmount? = nil) {
        self.maxDaysPastDue = maxDaysPastDue
        self.maxOverdueAmount = maxOverdueAmount
        self.maxOrderValue = maxOrderValue
        self.holdRiskClasses = holdRiskClasses
        self.largeOrderAlert = largeOrderAlert
    }

    /// The maximum order value for a customer of `riskClass`: its own entry, else `default`.
    public func maxOrderValue(for riskClass: String?) -> DecimalAmount? {
        if let riskClass, let value = maxOrderValue[riskClass] { return value }
        return maxOrderValue["default"]
    }
}

public struct SchedulerPolicy: Sendable, Equatable {
    public var interval: PolicyDuration = .hours(24)
    public init(interval: PolicyDuration = .hours(24)) { self.interval = interval }
}

public struct DunningLevel: Sendable, Equatable {
    public var level: Int
    public var name: String
    public var daysPastDue: Int
    public var minAmount: DecimalAmount
    public var blocksCustomer: Bool
    public var alert: Bool

    public init(level: Int, name: String, daysPastDue: Int, minAmount: DecimalAmount, blocksCustomer: Bool = false, alert: Bool = false) {
        self.level = level
        self.name = name
        self.daysPastDue = daysPastDue
        self.minAmount = minAmount
        self.blocksCustomer = blocksCustomer
        self.alert = alert
    }
}

public struct DunningPolicy: Sendable, Equatable {
    public var levels: [DunningLevel] = []
    public var minDaysBetweenLevels: Int = 7
    /// The classes the dunning applies to; nil means all.
    public var riskClasses: [String]?

    public init(levels: [DunningLevel] = [], minDaysBetweenLevels: Int = 7, riskClasses: [String]? = nil) {
        self.levels = levels
        self.minDaysBetweenLevels = minDaysBetweenLevels
        self.riskClasses = riskClasses
    }
}

public struct DeadLetterBurst: Sendable, Equatable {
    public var count: Int
    public var within: PolicyDuration

    public init(count: Int, within: PolicyDuration) {
        self.count = count
        self.within = within
    }
}

public struct AlertPolicy: Sendable, Equatable {
    /// Percentages of the credit limit (`80` = 80 %), increasing.
    public var utilizationThresholds: [DecimalAmount] = [DecimalAmount(80), DecimalAmount(90), DecimalAmount(100)]
    public var deadLetterBurst: DeadLetterBurst?

    public init(utilizationThresholds: [DecimalAmount] = [DecimalAmount(80), DecimalAmount(90), DecimalAmount(100)],
                deadLetterBurst: DeadLetterBurst? = nil) {
        self.utilizationThresholds = utilizationThresholds
        self.deadLetterBurst = deadLetterBurst
    }
}

/// The minimum score for a risk class.
public struct RiskClassThreshold: Sendable, Equatable {
    public var riskClass: String
    public var minScore: Int

    public init(riskClass: String, minScore: Int) {
        self.riskClass = riskClass
        self.minScore = minScore
    }
}

public struct ScoringPolicy: Sendable, Equatable {
    public var window: PolicyDuration = .days(365)
    /// Best class first; a score below the last is `E`.
    public var classes: [RiskClassThreshold] = [
        RiskClassThreshold(riskClass: "A", minScore: 80), RiskClassThreshold(riskClass: "B", minScore: 65),
        RiskClassThreshold(riskClass: "C", minScore: 50), RiskClassThreshold(riskClass: "D", minScore: 35),
    ]
    /// The scorecard (see `ScoringFactor`); empty means customers are not scored.
    public var factors: [ScoringFactor] = []
    /// `credit.score.changed` when the score moves by more than this (or the class changes). 0, the
    /// contract's rule, announces every change; a larger step quiets small moves, and the score
    /// that decisions carry stays the last one announced until the move is larger.
    public var changeStep: Int = 0
    /// How many reason codes a score carries at most.
    public var reasonCodeCount: Int = 3
    /// A derogatory bureau report puts the customer in this class or a worse one.
    public var derogatoryClass: String = "E"
    /// Days between credit reviews per class; a class without one is not reviewed on a cycle.
    public var reviewCycleDays: [String: Int] = [:]

    public init() {}

    /// The class a score falls in.
    public func riskClass(forScore score: Int) -> String {
        for threshold in classes where score >= threshold.minScore { return threshold.riskClass }
        return "E"
    }
}

public struct LimitsPolicy: Sendable, Equatable {
    /// Rule-based limits per class (see `ClassLimitRule`); a class without a rule has none.
    public var byClass: [String: ClassLimitRule] = [:]
    public init() {}
}
