/// How the daemon talks to the credit bureau (`bureau` in the policy). The HTTP client lives in
/// the daemon; everything it needs to decide *whether* and *when* to call is here.
public struct BureauPolicy: Sendable, Equatable {
    public var enabled: Bool = false
    /// The endpoint of docs/bureau.md (an adapter in front of D&B, Creditsafe, Experian...).
    public var url: String?
    /// One request's whole time budget.
    public var timeout: Duration = .seconds(10)
    /// Further attempts after a failed one (0: try once).
    public var retries: Int = 3
    public var backoff: RetryBackoff = RetryBackoff(initial: .milliseconds(500), maximum: .seconds(30))
    public var breaker: CircuitBreakerSettings = CircuitBreakerSettings(failureThreshold: 5, openFor: .seconds(60))
    /// Requests per UTC day (the bureau bills per report); 0 stops fetching.
    public var dailyBudget: Int = 1000
    /// A report older than this many days is fetched again.
    public var refreshAgeDays: Int = 30
    /// A file holding the bearer token (e.g. a systemd credential); nil: no Authorization header.
    public var tokenFile: String?

    public init(enabled: Bool = false) { self.enabled = enabled }

    /// Whether a customer needs a (new) report on `today`: none yet, or the one held is at least
    /// `refreshAgeDays` old. Always false while the bureau is disabled.
    public func needsFetch(current report: BureauReport?, today: LocalDate) -> Bool {
        guard enabled else { return false }
        guard let report else { return true }
        return today.days(since: report.asOf) >= refreshAgeDays
    }
}
