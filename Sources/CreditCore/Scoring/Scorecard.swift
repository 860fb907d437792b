/// A customer's points scorecard (credit-model.md, Scoring): each factor's value and points, the
/// score 0-100, the risk class and the reason codes that explain it.
///
/// - Score: the weighted points earned over the weighted points possible, × 100, rounded half-even.
///   Factors that cannot be measured and have no `no_data` points are left out of both, so a new
///   customer is scored on what is known; with nothing measurable there is no score (and no class:
///   the credit check uses its `default` maximum order value).
/// - Class: the first class whose minimum the score reaches (`scoring.classes`), else E.
/// - A derogatory bureau report puts the customer in `scoring.derogatory_class` or worse, and caps
///   the score at that class's top so that score and class always agree; `BUREAU_DEROGATORY` then
///   leads the reason codes.
/// - Reason codes: the factors that cost the most weighted points, largest first, ties by factor
///   name, at most `scoring.reason_codes`.
public struct Scorecard: Sendable, Equatable {
    public static let derogatoryReason = "BUREAU_DEROGATORY"

    public var factors: [FactorScore]
    public var score: Int?
    public var riskClass: String?
    public var reasonCodes: [String]

    public init(factors: [FactorScore], score: Int?, riskClass: String?, reasonCodes: [String]) {
        self.factors = factors
        self.score = score
        self.riskClass = riskClass
        self.reasonCodes = reasonCodes
    }

    public init(state: CustomerState, bureauReport: BureauReport?, policy: Policy, today: LocalDate) {
        let scoring = policy.scoring
        let measurement = FactorMeasurement(state: state, report: bureauReport, policy: policy, today: today)
        var lines: [FactorScore] = []
        var earned = DecimalAmount.zero
        var possible = DecimalAmount.zero
        for factor in scoring.factors {
            let value = measurement.value(of: factor.name)
            let points = value.map(factor.points(for:)) ?? factor.noDataPoints
            let line = FactorScore(name: factor.name, value: value, points: points, maxPoints: factor.maxPoints, weight: factor.weight)
            if let points {
                earned += factor.weight * DecimalAmount(points)
                possible += factor.weight * DecimalAmount(factor.maxPoints)
            }
            lines.append(line)
        }
        var score = (earned * DecimalAmount(100)).divided(by: possible, roundedToScale: 0).map { Int($0.mantissa) }
        let derogatory = bureauReport?.derogatory == true
        let riskClass = Scorecard.riskClass(score: score, derogatory: derogatory, scoring: scoring)
        if derogatory, let top = Scorecard.topScore(of: scoring.derogatoryClass, scoring: scoring), let current = score {
            // Within 0-100 even when the policy puts class D at 0 (E then has no score of its own).
            score = max(0, min(current, top))
        }
        let ranked = lines.filter { $0.pointsLost.isPositive }
            .sorted { $0.pointsLost != $1.pointsLost ? $0.pointsLost > $1.pointsLost : $0.name < $1.name }
            .map(\.name.reasonCode)
        let codes = (derogatory ? [Scorecard.derogatoryReason] : []) + ranked
        self.init(factors: lines, score: score, riskClass: riskClass, reasonCodes: Array(codes.prefix(scoring.reasonCodeCount)))
    }

    /// The class of `score` by the policy's thresholds; a derogatory bureau report puts the
    /// customer in `derogatory_class` or a worse one (with no score, in it).
    public static func riskClass(score: Int?, derogatory: Bool, scoring: ScoringPolicy) -> String? {
        let byScore = score.map(scoring.riskClass(forScore:))
        guard derogatory else { return byScore }
        let worst = scoring.derogatoryClass
        return byScore.map { Scorecard.isBetter($0, than: worst) } ?? true ? worst : byScore
    }

    /// A is best, E worst.
    public static func isBetter(_ lhs: String, than rhs: String) -> Bool {
        (RiskClasses.all.firstIndex(of: lhs) ?? RiskClasses.all.count) < (RiskClasses.all.firstIndex(of: rhs) ?? RiskClasses.all.count)
    }

    /// The highest score that still falls in `riskClass`: one below the next better class's minimum.
    static func topScore(of riskClass: String, scoring: ScoringPolicy) -> Int? {
        guard let index = RiskClasses.all.firstIndex(of: riskClass), index > 0 else { return nil }
        let better = RiskClasses.all[index - 1]
        return scoring.classes.first { $0.riskClass == better }.map { $0.minScore - 1 }
    }
}
