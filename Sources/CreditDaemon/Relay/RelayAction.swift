/// What the relay does after a batch, as `RelayHealth` decides.
public enum RelayAction: Sendable, Equatable {
    /// Go on with the next batch at once.
    case keep
    /// Wait before retrying with the same producer.
    case backoff(Duration)
    /// Close the current producer (without waiting for it) and publish with a new one.
    case replaceProducer
}
