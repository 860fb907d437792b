/// Exponential back-off with jitter between attempts of one bureau request.
///
/// Attempt `n` (1 = the first retry) waits a random time in `[ceiling / 2, ceiling]` where
/// `ceiling = min(maximum, initial × 2^(n-1))`: growing waits spare a struggling bureau, and the
/// jitter keeps many customers' retries from arriving in lock-step. The random source is passed
/// in so that tests (and replays) are deterministic.
public struct RetryBackoff: Sendable, Equatable {
    public var initial: Duration
    public var maximum: Duration

    public init(initial: Duration, maximum: Duration) {
        self.initial = initial
        self.maximum = max(initial, maximum)
    }

    /// The un-jittered upper bound of the wait before retry `attempt` (1-based), in microseconds.
    public func ceilingMicroseconds(attempt: Int) -> Int64 {
        let start = max(initial.microseconds, 1)
        let cap = max(maximum.microseconds, start)
        var value = start
        var step = 1
        while step < attempt && value < cap {
            value = value > cap / 2 ? cap : value * 2
            step += 1
        }
        return min(value, cap)
    }

    /// The wait before retry `attempt` (1-based), jittered with `random`.
    public func delay(attempt: Int, using random: inout some RandomNumberGenerator) -> Duration {
        let ceiling = ceilingMicroseconds(attempt: max(attempt, 1))
        let floor = ceiling / 2
        let micros = Int64.random(in: floor...ceiling, using: &random)
        return .microseconds(micros)
    }
}

extension Duration {
    /// Whole microseconds (the resolution of `Timestamp`), rounded down.
    public var microseconds: Int64 {
        let parts = components
        return parts.seconds * 1_000_000 + parts.attoseconds / 1_000_000_000_000
    }
}

extension Timestamp {
    public func adding(_ duration: Duration) -> Timestamp {
        adding(microseconds: duration.microseconds)
    }
}
