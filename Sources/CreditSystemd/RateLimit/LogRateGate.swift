import Logging
import Synchronization

/// The one `LogRateLimiter` all loggers of the process share: swift-log copies handlers per
/// `Logger`, but a label's budget must be counted once, whichever copy logs.
public final class LogRateGate: Sendable {
    private let limiter: Mutex<LogRateLimiter>
    private let now: @Sendable () -> Duration

    /// - Parameter now: monotonic time; defaults to the continuous clock since the gate was made.
    public init(configuration: LogRateLimiter.Configuration = .routine, now: (@Sendable () -> Duration)? = nil) {
        self.limiter = Mutex(LogRateLimiter(configuration: configuration))
        if let now {
            self.now = now
        } else {
            let start = ContinuousClock.now
            self.now = { start.duration(to: ContinuousClock.now) }
        }
    }

    public func admit(label: String, level: Logger.Level) -> LogRateLimiter.Admission {
        let now = self.now()
        return limiter.withLock { $0.admit(label: label, level: level, at: now) }
    }

    /// Takes every pending suppression, due or not.
    public func flush() -> [LogRateLimiter.Suppression] {
        limiter.withLock { $0.flush() }
    }

    /// Logs what is still pending at `notice` (never limited), e.g. just before the daemon exits.
    public func reportSuppressed(to logger: Logger) {
        for suppression in flush() {
            logger.notice("\(suppression.message)", metadata: suppression.metadata)
        }
    }
}
