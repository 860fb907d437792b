/// The bureau's per-day request budget (`bureau.daily_budget`): reports cost money, so a runaway
/// loop or a flood of new customers must not run up the bill. Days are UTC dates.
public struct RequestBudget: Sendable, Equatable, Codable {
    public var limit: Int
    public private(set) var day: LocalDate?
    public private(set) var used: Int = 0

    public init(limit: Int) {
        self.limit = max(limit, 0)
    }

    /// Requests left on `today` (a new day starts with the whole budget).
    public func remaining(today: LocalDate) -> Int {
        day == today ? max(limit - used, 0) : limit
    }

    /// Takes one request from `today`'s budget; false (and nothing taken) when it is spent.
    public mutating func take(today: LocalDate) -> Bool {
        if day != today {
            day = today
            used = 0
        }
        guard used < limit else { return false }
        used += 1
        return true
    }
}
