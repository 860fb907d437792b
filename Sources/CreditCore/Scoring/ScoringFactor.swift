/// One line of the scorecard (`scoring.factors[i]` in the policy).
public struct ScoringFactor: Sendable, Equatable {
    public var name: ScoringFactorName
    /// Ordered by `upTo`; the last one is open-ended.
    public var bins: [ScoreBin]
    /// How much this factor counts against the others (a positive number, `1` = normal).
    public var weight: DecimalAmount
    /// Points earned when the factor cannot be measured (no paid invoice yet, no bureau report).
    /// nil: the factor is left out of both the earned and the possible points, so missing data
    /// neither helps nor hurts the customer.
    public var noDataPoints: Int?

    public init(name: ScoringFactorName, bins: [ScoreBin], weight: DecimalAmount = DecimalAmount(1), noDataPoints: Int? = nil) {
        self.name = name
        self.bins = bins
        self.weight = weight
        self.noDataPoints = noDataPoints
    }

    /// The most points any bin gives: what a perfect value would earn.
    public var maxPoints: Int { bins.map(\.points).max() ?? 0 }

    /// The points a measured value earns: the first bin whose inclusive edge holds it.
    public func points(for value: DecimalAmount) -> Int {
        for bin in bins {
            guard let upTo = bin.upTo else { return bin.points }
            if value <= upTo { return bin.points }
        }
        return bins.last?.points ?? 0
    }
}
