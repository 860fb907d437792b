import CreditCore

/// Where `BureauService` finds the customers to look up and leaves what the bureau said. The
/// daemon implements it (applying a report to the customer through the engine and caching it with
/// its age); this module knows neither SQLite nor the engine.
public protocol BureauStore: Sendable {
    /// Up to `limit` customers that need a report on `today`: never looked up, or whose report
    /// (by its `as_of`) or "no report" answer is `refresh_age` days old or older. Least recently
    /// attempted first (never attempted before all others), so that customers whose fetch failed
    /// (see `recordFailure`) go to the back of the queue instead of starving the others.
    func customersNeedingReport(today: LocalDate, limit: Int) async throws -> [BureauRequest]

    /// A report arrived for `customerId` at `at`. The store applies it (a report older than the
    /// one held is refused there, as `stale_report`) and caches it.
    func save(_ report: BureauReport, customerId: String, at: Timestamp) async throws

    /// The bureau has no report for `customerId` (404): not asked again before `refresh_age`.
    func recordNoReport(customerId: String, at: Timestamp) async throws

    /// The fetch failed for a reason other than the gate (timeout, HTTP status, malformed body...).
    /// The report held, if any, stays in force whatever its age.
    func recordFailure(customerId: String, error: BureauFetchError, at: Timestamp) async throws
}
