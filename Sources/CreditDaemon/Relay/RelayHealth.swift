/// Decides, batch by batch, whether the relay's producer is still worth retrying with.
///
/// A producer can wedge for good while the broker is healthy: after the broker came back empty, the
/// idempotent producer keeps the producer id the old broker gave it and every send is refused
/// (UNKNOWN_PRODUCER_ID) until the process restarts. Replacing the producer is the cure; the rows
/// stay in the outbox meanwhile, so nothing is lost. Pure: the relay does the effects.
public struct RelayHealth: Sendable, Equatable {
    /// Ordinary failures in a row after which the producer is replaced anyway.
    public let replaceAfterFailures: Int
    /// The longest pause between retries.
    public let maximumBackoff: Duration
    /// Failed batches since the last fully published one (or the last replacement).
    public private(set) var consecutiveFailures = 0
    /// Producers replaced since the last fully published batch.
    public private(set) var replacements = 0

    public init(replaceAfterFailures: Int = 5, maximumBackoff: Duration = .seconds(5)) {
        precondition(replaceAfterFailures >= 1, "replaceAfterFailures must be at least 1")
        self.replaceAfterFailures = replaceAfterFailures
        self.maximumBackoff = maximumBackoff
    }

    /// A batch was fully published.
    public mutating func recordSuccess() -> RelayAction {
        consecutiveFailures = 0
        replacements = 0
        return .keep
    }

    /// A batch was not fully published, for `failure`.
    public mutating func recordFailure(_ failure: RelayFailure) -> RelayAction {
        consecutiveFailures += 1
        if failure.wedgesProducer || consecutiveFailures >= replaceAfterFailures {
            consecutiveFailures = 0
            replacements += 1
            return .replaceProducer
        }
        // 200 ms, 400 ms, ... doubling up to the maximum.
        let pause = Duration.milliseconds(100 * (1 << min(consecutiveFailures, 10)))
        return .backoff(min(pause, maximumBackoff))
    }
}
