/// Credit holds placed in the period (as_of − P, as_of] and what became of them by the end of
/// as_of. Every share has all holds placed as its denominator, so the funnel adds up:
/// held = released automatically + released by an operator + ended unreleased + still held.
public struct HoldStats: Sendable, Equatable {
    public var count = 0
    public var value: DecimalAmount = .zero
    public var autoReleased = 0
    public var operatorReleased = 0
    /// Ended by as_of without a release: the order cancelled, or shipped in full while held.
    public var endedUnreleased = 0
    /// Hours from hold to release of every hold released by as_of.
    public var hoursToRelease: [Double] = []

    public init() {}

    public var stillHeld: Int { count - autoReleased - operatorReleased - endedUnreleased }
    /// Holds released by the engine ÷ holds placed (0...1).
    public var autoReleasedShare: Double { count == 0 ? 0 : Double(autoReleased) / Double(count) }
    /// The median time from hold to release, in hours, over the released holds (0 when none).
    public var medianHoursToRelease: Double { Median.of(hoursToRelease) }

    public static func of(_ holds: [HoldRecord], asOf: LocalDate, periodDays: Int) -> HoldStats {
        var stats = HoldStats()
        let start = asOf.adding(days: -periodDays)
        let endOfDay = asOf.adding(days: 1).startOfDay
        for hold in holds {
            let day = hold.heldAt.utcDate
            guard day > start, day <= asOf else { continue }
            stats.count += 1
            stats.value += hold.value
            guard let released = hold.releasedAt, released < endOfDay, let kind = hold.releasedBy else {
                if let ended = hold.endedAt, ended < endOfDay { stats.endedUnreleased += 1 }
                continue
            }
            switch kind {
            case .automatic: stats.autoReleased += 1
            case .operator: stats.operatorReleased += 1
            }
            let micros = released.microsecondsSinceEpoch - hold.heldAt.microsecondsSinceEpoch
            stats.hoursToRelease.append(Double(Swift.max(0, micros)) / 3_600_000_000)
        }
        return stats
    }
}
