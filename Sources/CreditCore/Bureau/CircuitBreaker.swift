/// A circuit breaker in front of the bureau: a bureau that keeps failing is left alone for a while
/// instead of being hammered (and billed) by every customer's request.
///
/// Closed: calls go through; `failureThreshold` consecutive failures open it. Open: every call is
/// rejected until `openFor` has passed. Half-open: exactly one probe call goes through; its success
/// closes the breaker, its failure opens it again for another `openFor`. A pure state machine: the
/// caller asks `request(now:)` before calling and reports the outcome; nothing here does I/O.
public struct CircuitBreaker: Sendable, Equatable, Codable {
    public enum State: Sendable, Equatable, Codable {
        case closed(consecutiveFailures: Int)
        case open(until: Timestamp)
        case halfOpen(probeInFlight: Bool)
    }

    /// What the caller should do with a request.
    public enum Action: Sendable, Equatable {
        /// Call the bureau, then report `recordSuccess` or `recordFailure`.
        case call
        /// Do not call; the breaker may let a probe through at `retryAt` (nil: when the probe
        /// in flight has reported).
        case reject(retryAt: Timestamp?)
    }

    /// A change of state worth a log line or a metric.
    public enum Transition: Sendable, Equatable {
        case opened(until: Timestamp)
        case halfOpened
        case closed
    }

    public var settings: CircuitBreakerSettings
    public private(set) var state: State = .closed(consecutiveFailures: 0)

    public init(settings: CircuitBreakerSettings) {
        self.settings = settings
    }

    /// Asks to make a call at `now`. An open breaker whose time is up turns half-open and lets
    /// this call through as the probe.
    public mutating func request(now: Timestamp) -> (action: Action, transition: Transition?) {
        switch state {
        case .closed:
            return (.call, nil)
        case .open(let until):
            guard now >= until else { return (.reject(retryAt: until), nil) }
            state = .halfOpen(probeInFlight: true)
            return (.call, .halfOpened)
        case .halfOpen(let probeInFlight):
            if probeInFlight { return (.reject(retryAt: nil), nil) }
            state = .halfOpen(probeInFlight: true)
            return (.call, nil)
        }
    }

    /// The call succeeded (the bureau answered, even "no report for this customer").
    @discardableResult
    public mutating func recordSuccess(now: Timestamp) -> Transition? {
        switch state {
        case .closed:
            state = .closed(consecutiveFailures: 0)
            return nil
        case .halfOpen, .open:
            state = .closed(consecutiveFailures: 0)
            return .closed
        }
    }

    /// The call failed (timeout, connection refused, 5xx, 429, an unreadable body).
    @discardableResult
    public mutating func recordFailure(now: Timestamp) -> Transition? {
        switch state {
        case .closed(let failures):
            let count = failures + 1
            if count >= settings.failureThreshold { return open(now: now) }
            state = .closed(consecutiveFailures: count)
            return nil
        case .halfOpen:
            return open(now: now)
        case .open:
            // A late answer of a call made before the breaker opened: it stays open as it is.
            return nil
        }
    }

    private mutating func open(now: Timestamp) -> Transition {
        let until = now.adding(settings.openFor)
        state = .open(until: until)
        return .opened(until: until)
    }
}
