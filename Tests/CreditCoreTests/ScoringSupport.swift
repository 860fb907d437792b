@testable import CreditCore

/// A scorecard close to config/policy.yaml's, on top of the usual test policy.
enum ScoringFixtures {
    static func bins(_ pairs: [(String?, Int)]) -> [ScoreBin] {
        pairs.map { ScoreBin(upTo: $0.0.map { DecimalAmount(stringLiteralFree: $0) }, points: $0.1) }
    }

    static func factor(_ name: ScoringFactorName, weight: String = "1", noData: Int? = nil, _ pairs: [(String?, Int)]) -> ScoringFactor {
        ScoringFactor(name: name, bins: bins(pairs), weight: DecimalAmount(stringLiteralFree: weight), noDataPoints: noData)
    }

    static let scorecard: [ScoringFactor] = [
        factor(.daysLate, weight: "3", [("0", 100), ("5", 85), ("15", 60), ("30", 30), ("60", 10), (nil, 0)]),
        factor(.paidLateShare, weight: "2", [("5", 100), ("15", 80), ("30", 55), ("50", 25), (nil, 0)]),
        factor(.overdueShare, weight: "2", [("0", 100), ("10", 80), ("25", 50), ("50", 20), (nil, 0)]),
        factor(.utilization, [("50", 100), ("80", 75), ("100", 40), (nil, 0)]),
        factor(.tenureMonths, [("5", 20), ("11", 50), ("35", 80), (nil, 100)]),
        factor(.reversedPayments, weight: "1.5", [("0", 100), ("1", 40), (nil, 0)]),
        factor(.disputes, weight: "0.5", [("0", 100), ("2", 70), ("5", 30), (nil, 0)]),
        factor(.bureauScore, weight: "3", [("20", 0), ("40", 30), ("60", 60), ("80", 85), (nil, 100)]),
    ]

    static func policy(factors: [ScoringFactor] = scorecard) -> Policy {
        var policy = Fixtures.policy()
        policy.scoring.factors = factors
        policy.scoring.reviewCycleDays = ["A": 365, "B": 365, "C": 180, "D": 90, "E": 30]
        policy.limits.byClass = [
            "A": ClassLimitRule(bureauShare: DecimalAmount(50), cap: DecimalAmount("200000.00")),
            "B": ClassLimitRule(bureauShare: DecimalAmount(35), cap: DecimalAmount("100000.00")),
            "C": ClassLimitRule(bureauShare: DecimalAmount(20), cap: DecimalAmount("5000.00")),
            "D": ClassLimitRule(bureauShare: DecimalAmount(10), cap: DecimalAmount("2000.00")),
            "E": ClassLimitRule(bureauShare: DecimalAmount(0)),
        ]
        return policy
    }

    /// A scorecard of the bureau score alone whose bins give the score itself at each listed
    /// value, so a report's score sets the customer's score exactly.
    static func echoPolicy(_ values: [Int]) -> Policy {
        policy(factors: [factor(.bureauScore, values.map { (String($0), $0) } + [(nil, 100)])])
    }

    static func report(score: Int, limit: String = "20000.00", currency: String = "EUR", derogatory: Bool = false,
                       asOf: String = "2026-11-01") -> BureauReport {
        BureauReport(score: score, recommendedLimit: DecimalAmount(stringLiteralFree: limit), currency: Currency(code: currency)!,
                     derogatory: derogatory, asOf: LocalDate(asOf)!, source: "test")
    }

    static func date(_ text: String) -> LocalDate { LocalDate(text)! }

    static func context(_ policy: Policy, at time: String) -> DecisionContext {
        DecisionContext(policy: policy, now: Fixtures.time(time), instance: "creditd-test", arrivalSequence: 0)
    }
}

extension Harness {
    /// An invoice of `amount` due on `due`, paid in full on `paid` (nil: left open).
    mutating func invoice(_ id: String, _ amount: String, issued: String, due: String, paid: String?) {
        order("O-\(id)", amount, at: "\(issued)T09:00:00Z")
        ship("O-\(id)", invoice: id, amount, at: "\(issued)T10:00:00Z", dueDate: due)
        if let paid { pay("P-\(id)", amount, at: "\(paid)T10:00:00Z", allocations: [(id, amount)]) }
    }

    func scorecard(on today: String, report: BureauReport? = nil) -> Scorecard {
        Scorecard(state: state, bureauReport: report, policy: policy, today: LocalDate(today)!)
    }
}

extension Scorecard {
    func line(_ name: ScoringFactorName) -> FactorScore? { factors.first { $0.name == name } }
    func value(_ name: ScoringFactorName) -> DecimalAmount? { line(name)?.value }
    func points(_ name: ScoringFactorName) -> Int? { line(name)?.points }
}
