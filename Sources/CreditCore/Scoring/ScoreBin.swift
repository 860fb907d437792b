/// One band of a factor's values and the points it earns.
///
/// Bins are read in order; a value belongs to the first bin whose `upTo` is at or above it (edges
/// inclusive), and the last bin has no `upTo`: it takes every larger value, so no value falls
/// through the scorecard.
public struct ScoreBin: Sendable, Equatable {
    /// Inclusive upper edge; nil for the last, open-ended bin.
    public var upTo: DecimalAmount?
    public var points: Int

    public init(upTo: DecimalAmount?, points: Int) {
        self.upTo = upTo
        self.points = points
    }
}
