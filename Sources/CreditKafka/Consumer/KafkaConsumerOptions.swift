/// How the Swift side of the consumer behaves; librdkafka's own settings stay in `KafkaConfiguration`.
public struct KafkaConsumerOptions: Sendable {
    /// Most messages in one `.messages` event (the daemon applies a batch per transaction).
    public var maxBatchSize: Int
    /// Events that may wait untaken before the polling thread stops fetching: the back-pressure bound.
    /// Keep `max.poll.interval.ms` above the time the application needs for this many batches.
    public var bufferedBatches: Int
    /// How long a `.revoked` event may stay unacknowledged before the partitions are released anyway.
    /// Keep it below `max.poll.interval.ms`, the group's rebalance timeout.
    public var revocationTimeout: Duration
    /// Receives librdkafka's statistics JSON every `statistics.interval.ms`, on the polling thread:
    /// keep it quick.
    public var statistics: (@Sendable (String) -> Void)?
    /// Sends `.idle` after every poll of this length that brought nothing, when the application is
    /// waiting for an event (nil: no `.idle` events, polls of 250 ms).
    public var idleEvents: Duration?

    public init(
        maxBatchSize: Int = 1000, bufferedBatches: Int = 4, revocationTimeout: Duration = .seconds(30),
        statistics: (@Sendable (String) -> Void)? = nil, idleEvents: Duration? = nil
    ) {
        self.idleEvents = idleEvents
        self.maxBatchSize = maxBatchSize
        self.bufferedBatches = bufferedBatches
        self.revocationTimeout = revocationTimeout
        self.statistics = statistics
    }
}
