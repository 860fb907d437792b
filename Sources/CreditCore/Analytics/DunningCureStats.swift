/// Per dunning level: notices sent in the period (as_of − P, as_of] and the share cured (paid)
/// within 30 days of the notice and by as_of. A notice younger than 30 days that is not cured yet
/// counts as not cured: the figure is what is known on as_of.
public struct DunningLevelStats: Sendable, Equatable {
    public var level: Int
    public var notices: Int
    public var cured: Int

    public init(level: Int, notices: Int = 0, cured: Int = 0) {
        self.level = level
        self.notices = notices
        self.cured = cured
    }

    /// Cured within 30 days ÷ notices (0...1).
    public var curedShare: Double { notices == 0 ? 0 : Double(cured) / Double(notices) }

    /// Days after a notice within which a cure counts.
    public static let cureWindowDays = 30

    /// One row per level seen in `notices` or listed in `levels`, ascending.
    public static func of(_ notices: [DunningNoticeRecord], levels: [Int], asOf: LocalDate, periodDays: Int) -> [DunningLevelStats] {
        var byLevel: [Int: DunningLevelStats] = [:]
        for level in levels { byLevel[level] = DunningLevelStats(level: level) }
        let start = asOf.adding(days: -periodDays)
        for notice in notices where notice.date > start && notice.date <= asOf {
            var row = byLevel[notice.level] ?? DunningLevelStats(level: notice.level)
            row.notices += 1
            if let cured = notice.curedOn, cured <= asOf, cured.days(since: notice.date) <= cureWindowDays {
                row.cured += 1
            }
            byLevel[notice.level] = row
        }
        return byLevel.values.sorted { $0.level < $1.level }
    }
}
