/// One factor's line on a customer's scorecard: what was measured and what it earned.
public struct FactorScore: Sendable, Equatable {
    public var name: ScoringFactorName
    /// nil: could not be measured (see `ScoringFactor.noDataPoints`).
    public var value: DecimalAmount?
    /// nil: left out of the score (unmeasured and the policy gives no `no_data` points).
    public var points: Int?
    public var maxPoints: Int
    public var weight: DecimalAmount

    public init(name: ScoringFactorName, value: DecimalAmount?, points: Int?, maxPoints: Int, weight: DecimalAmount) {
        self.name = name
        self.value = value
        self.points = points
        self.maxPoints = maxPoints
        self.weight = weight
    }

    /// Weighted points this factor cost the customer: what ranks the reason codes.
    public var pointsLost: DecimalAmount {
        guard let points else { return .zero }
        return weight * DecimalAmount(maxPoints - points)
    }
}
