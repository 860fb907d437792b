import CreditCore
import Logging

/// The one `BureauGate` (circuit breaker + daily budget) shared by every fetch, behind an actor so
/// that concurrent fetches cannot both take the breaker's probe. It logs what an operator must
/// know at warning, naming the endpoint: the breaker opening, half-opening, closing, and the day's
/// budget running out (once per day).
public actor BureauGateKeeper {
    public private(set) var gate: BureauGate
    private let endpoint: String
    private let logger: Logger
    private var budgetWarnedFor: LocalDate?

    public init(policy: BureauPolicy, logger: Logger) {
        gate = BureauGate(policy: policy)
        endpoint = policy.url ?? "(no url)"
        self.logger = logger
    }

    /// Starts from a gate the daemon kept (e.g. persisted across a restart, so a restart does not
    /// reset the day's budget).
    public init(gate: BureauGate, endpoint: String, logger: Logger) {
        self.gate = gate
        self.endpoint = endpoint
        self.logger = logger
    }

    /// Asks to send one request at `now` (see `BureauGate.admit`).
    public func admit(now: Timestamp) -> BureauGate.Decision {
        let before = gate.breaker.state
        let decision = gate.admit(now: now)
        if case .open = before, case .halfOpen = gate.breaker.state {
            log(.halfOpened)
        }
        if case .budgetSpent(let nextDay) = decision {
            warnBudgetSpent(today: now.utcDate, nextDay: nextDay)
        } else if case .call = decision, gate.budget.remaining(today: now.utcDate) == 0 {
            warnBudgetSpent(today: now.utcDate, nextDay: now.utcDate.adding(days: 1))
        }
        return decision
    }

    /// How an admitted request went.
    public func record(succeeded: Bool, now: Timestamp) {
        if let transition = gate.record(succeeded: succeeded, now: now) { log(transition) }
    }

    /// An admitted request that was abandoned (the task was cancelled) without an answer. A probe
    /// must not stay "in flight" for ever, so an abandoned probe counts as failed; an ordinary
    /// request says nothing about the bureau and is not counted.
    public func abandon(now: Timestamp) {
        if case .halfOpen = gate.breaker.state { record(succeeded: false, now: now) }
    }

    /// When the next request may be admitted, without taking anything: nil now, otherwise the
    /// instant to wait for (the breaker's reopening, or the next UTC day's start). A probe in
    /// flight gives `now + probeWait`.
    public func nextAdmission(now: Timestamp, probeWait: Duration) -> Timestamp? {
        let today = now.utcDate
        if gate.budget.remaining(today: today) == 0 { return today.adding(days: 1).startOfDay }
        switch gate.breaker.state {
        case .closed: return nil
        case .open(let until): return now >= until ? nil : until
        case .halfOpen(let probeInFlight): return probeInFlight ? now.adding(probeWait) : nil
        }
    }

    private func log(_ transition: CircuitBreaker.Transition) {
        switch transition {
        case .opened(let until):
            logger.warning("bureau circuit breaker opened: no requests until \(until)",
                           metadata: ["endpoint": "\(endpoint)", "breaker": "open", "until": "\(until)"])
        case .halfOpened:
            logger.warning("bureau circuit breaker half-open: one probe request goes through",
                           metadata: ["endpoint": "\(endpoint)", "breaker": "half_open"])
        case .closed:
            logger.warning("bureau circuit breaker closed: the bureau answers again",
                           metadata: ["endpoint": "\(endpoint)", "breaker": "closed"])
        }
    }

    private func warnBudgetSpent(today: LocalDate, nextDay: LocalDate) {
        guard budgetWarnedFor != today else { return }
        budgetWarnedFor = today
        logger.warning("bureau daily budget spent: no requests before \(nextDay)",
                       metadata: ["endpoint": "\(endpoint)", "daily_budget": "\(gate.budget.limit)", "next_day": "\(nextDay)"])
    }
}
