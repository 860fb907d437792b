/// Whether the bureau connector may send a request now: the circuit breaker and the day's budget
/// together, so a caller cannot check one and forget the other. Pure: the daemon keeps one gate
/// (and may persist it), asks `admit` before each HTTP request and reports how it went.
public struct BureauGate: Sendable, Equatable {
    public enum Decision: Sendable, Equatable {
        /// Send the request, then call `record(succeeded:now:)`.
        case call
        /// The breaker is open (or its probe is out): try again at `retryAt` (nil: when the probe reports).
        case breakerOpen(retryAt: Timestamp?)
        /// Today's budget is spent: nothing before the next UTC day.
        case budgetSpent(nextDay: LocalDate)
    }

    public var breaker: CircuitBreaker
    public var budget: RequestBudget

    public init(policy: BureauPolicy) {
        breaker = CircuitBreaker(settings: policy.breaker)
        budget = RequestBudget(limit: policy.dailyBudget)
    }

    /// Asks to send one request at `now`. A rejected request costs no budget, and a spent budget
    /// does not use up the breaker's probe.
    public mutating func admit(now: Timestamp) -> Decision {
        let today = now.utcDate
        guard budget.remaining(today: today) > 0 else { return .budgetSpent(nextDay: today.adding(days: 1)) }
        let (action, _) = breaker.request(now: now)
        switch action {
        case .reject(let retryAt): return .breakerOpen(retryAt: retryAt)
        case .call:
            _ = budget.take(today: today)
            return .call
        }
    }

    /// How the admitted request went: an answer (a report or "no report") is a success; a
    /// timeout, a refused connection, a 5xx/429/408, another refused status or an unreadable
    /// body is a failure.
    @discardableResult
    public mutating func record(succeeded: Bool, now: Timestamp) -> CircuitBreaker.Transition? {
        succeeded ? breaker.recordSuccess(now: now) : breaker.recordFailure(now: now)
    }
}

extension BureauPolicy {
    /// The wait before retrying a request whose attempt `attempt` (1 = the first try) ended with
    /// `outcome`; nil when it must not be retried (answered, refused, or retries used up).
    public func retryDelay(afterAttempt attempt: Int, outcome: BureauResponse.Outcome,
                           using random: inout some RandomNumberGenerator) -> Duration? {
        guard outcome == .retry, attempt <= retries else { return nil }
        return backoff.delay(attempt: attempt, using: &random)
    }
}
