/// Decides when to send `WATCHDOG=1`, so that systemd restarts a daemon whose main loop is wedged
/// instead of trusting a timer thread that would keep pinging on its own.
///
/// The main loop reports what it observed; a ping is due every half `WatchdogSec=` and is sent only
/// if the loop made progress or was idle and healthy since the previous ping. A ping consumes that
/// evidence, so a loop that stops reporting (or reports `loopStalled`) stops the pings within one
/// period and systemd's watchdog fires. Pure value: time comes in as a `Duration` on any monotonic
/// timeline (the driver uses "time since it started"), which keeps tests free of real clocks.
public struct WatchdogStateMachine: Sendable, Equatable {
    /// What the main loop saw since its previous report.
    public enum Observation: Sendable, Equatable {
        /// Events were consumed, decided or published.
        case progressMade
        /// Nothing to do (no records in the poll), but the broker and database answer.
        case idleHealthy
        /// The loop knows it cannot make progress (e.g. the database stays locked, the store failed).
        case loopStalled
    }

    /// What the caller must do now.
    public enum Action: Sendable, Equatable {
        /// Send `WATCHDOG=1` now.
        case sendPing
        /// Send nothing.
        case none
    }

    /// The `WatchdogSec=` systemd enforces.
    public let interval: Duration
    /// Pings go out at half the interval, leaving a whole period of slack for scheduling delays.
    public var pingPeriod: Duration { interval / 2 }
    /// When the last ping was sent, nil before the first.
    public private(set) var lastPing: Duration?
    /// True after `loopStalled` until the loop reports progress or a healthy idle again.
    public private(set) var isStalled = false
    private var healthySinceLastPing = false

    /// - Parameter interval: the watchdog timeout; non-positive values are treated as one microsecond
    ///   so the machine stays well defined.
    public init(interval: Duration) {
        self.interval = interval > .zero ? interval : .microseconds(1)
    }

    /// Records an observation from the main loop; may ask for a ping at once when one is overdue,
    /// so a loop that recovers gets a ping without waiting for the driver's next tick.
    public mutating func observe(_ observation: Observation, at now: Duration) -> Action {
        switch observation {
        case .progressMade, .idleHealthy:
            healthySinceLastPing = true
            isStalled = false
        case .loopStalled:
            healthySinceLastPing = false
            isStalled = true
        }
        return pingIfDue(at: now)
    }

    /// The driver's clock tick.
    public mutating func tick(at now: Duration) -> Action {
        pingIfDue(at: now)
    }

    /// When the driver should tick next: the next due ping, or a period from now when a ping is
    /// overdue but the loop has not shown health (a later observation then pings by itself).
    public func nextTick(after now: Duration) -> Duration {
        if let lastPing, lastPing + pingPeriod > now {
            return lastPing + pingPeriod
        }
        return now + pingPeriod
    }

    private mutating func pingIfDue(at now: Duration) -> Action {
        guard healthySinceLastPing else { return .none }
        if let lastPing, now - lastPing < pingPeriod { return .none }
        lastPing = now
        healthySinceLastPing = false
        return .sendPing
    }
}
