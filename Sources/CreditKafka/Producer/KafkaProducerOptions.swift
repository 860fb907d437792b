/// How the Swift side of the producer behaves; librdkafka's own settings stay in `KafkaConfiguration`.
public struct KafkaProducerOptions: Sendable {
    /// Client-level problems (all brokers down, authentication failed, ...) as they happen, on the
    /// producer's polling thread. Undeliverable records also fail their own `send`; this is the early
    /// warning. When nil, they are logged as warnings.
    public var onError: (@Sendable (KafkaError) -> Void)?
    /// Receives librdkafka's statistics JSON every `statistics.interval.ms`, on the polling thread.
    public var statistics: (@Sendable (String) -> Void)?

    public init(onError: (@Sendable (KafkaError) -> Void)? = nil, statistics: (@Sendable (String) -> Void)? = nil) {
        self.onError = onError
        self.statistics = statistics
    }
}
