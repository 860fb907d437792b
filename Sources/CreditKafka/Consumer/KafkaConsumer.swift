internal import CRDKafka
import Logging

/// A consumer-group member whose offsets belong to the application.
///
/// The daemon keeps its input offsets in SQLite, in the same transaction as the effects of the
/// messages, so Kafka's own offset machinery is switched off (`enable.auto.commit=false`,
/// `enable.auto.offset.store=false`). When the group assigns partitions, the consumer asks the
/// application where to start (`startingOffsets`) and starts exactly there; `commit` only mirrors
/// those offsets to the broker so lag tools can see them.
///
/// Offsets here are always Kafka's "next offset to read" (last applied offset + 1).
///
/// Polling runs on a dedicated thread that hands batches to `events` through a bounded buffer: when
/// the application falls behind, the thread stops fetching instead of piling messages up.
public final class KafkaConsumer: Sendable {
    /// Returns the next offset to read for each partition the application knows; partitions left out
    /// start at `auto.offset.reset`. Called on the polling thread when partitions are assigned, after
    /// every earlier event was taken and any revocation acknowledged, so stored offsets are current.
    /// Throwing stops the consumer with `kafka_starting_offsets_failed`.
    public typealias StartingOffsets = @Sendable ([TopicPartition]) throws -> [TopicPartition: Int64]

    /// Iterate from one task. See ``KafkaConsumerEvent`` for the guarantees.
    public let events: KafkaConsumerEvents
    public let groupID: String
    public let topics: [String]
    private let engine: ConsumerEngine
    private let client: KafkaClient

    /// Joins `configuration.groupID` and subscribes to `topics`. Fails on a configuration librdkafka
    /// rejects, a missing `group.id`, or an attempt to turn automatic offset handling back on.
    public init(
        configuration: KafkaConfiguration,
        topics: [String],
        options: KafkaConsumerOptions = KafkaConsumerOptions(),
        logger: Logger,
        startingOffsets: @escaping StartingOffsets
    ) throws(KafkaError) {
        guard let groupID = configuration.groupID, !groupID.isEmpty else {
            throw KafkaError(code: KafkaError.Code.invalidConfiguration, message: "a consumer needs 'group.id'", property: "group.id")
        }
        guard !topics.isEmpty else {
            throw KafkaError(code: KafkaError.Code.invalidConfiguration, message: "a consumer needs at least one topic")
        }
        var configuration = configuration
        for property in ["enable.auto.commit", "enable.auto.offset.store"] {
            if let value = configuration[property], value.lowercased() != "false" {
                throw KafkaError(
                    code: KafkaError.Code.invalidConfiguration,
                    message: "'\(property)' must be false: offsets are kept by the application, not by librdkafka",
                    property: property
                )
            }
            configuration[property] = "false"
        }
        // librdkafka >= 2.x pauses fetching for a full second once its prefetch queue passes its
        // thresholds; a consumer that drains in batches then idles most of that second (measured:
        // 2-3x lower throughput). A short backoff keeps fetching steady; an explicit value wins.
        if configuration[Self.fetchBackoff] == nil, KafkaConfiguration.runtimeAccepts(Self.fetchBackoff, "100") {
            configuration[Self.fetchBackoff] = "100"
        }

        let engine = ConsumerEngine(
            options: options, autoOffsetReset: configuration.autoOffsetReset, logger: logger, startingOffsets: startingOffsets
        )
        let client = try KafkaClient(
            kind: .consumer, configuration: configuration, logger: logger, statistics: options.statistics, handler: engine
        )
        // Route every callback through the consumer queue, which only our polling thread serves.
        rd_kafka_poll_set_consumer(client.handle)
        let subscription = PartitionList.make(topics.map { (TopicPartition(topic: $0, partition: -1), PartitionList.LogicalOffset.invalid) })
        let subscribed = rd_kafka_subscribe(client.handle, subscription)
        rd_kafka_topic_partition_list_destroy(subscription)
        guard subscribed == RD_KAFKA_RESP_ERR_NO_ERROR else {
            client.destroy()
            throw KafkaError(subscribed, detail: "could not subscribe to \(topics): \(String(cString: rd_kafka_err2str(subscribed)))")
        }

        self.engine = engine
        self.client = client
        self.events = KafkaConsumerEvents(handoff: engine.handoff)
        self.groupID = groupID
        self.topics = topics
        engine.start(client: client)
        logger.info("Kafka consumer started", metadata: [
            "kafka.group": "\(groupID)", "kafka.topics": "\(topics)", "kafka.client": "\(client.name)",
            "kafka.bootstrap": "\(client.bootstrapServers)", "kafka.librdkafka": "\(Kafka.runtimeVersion)",
        ])
    }

    deinit {
        engine.requestStop()
    }

    private static let fetchBackoff = "fetch.queue.backoff.ms"

    /// The partitions this consumer owns right now (for readiness checks and status lines).
    public var assignment: [TopicPartition] { engine.assignment }

    /// When the consumer's poll thread last came back from a poll: it turns at least every
    /// 250 ms while the processing loop keeps up, so an old value means it is wedged.
    public var lastPoll: ContinuousClock.Instant { engine.lastPoll }

    /// Mirrors the application's offsets to the broker without waiting (results are logged).
    public func commit(_ offsets: [TopicPartition: Int64]) throws(KafkaError) {
        guard !offsets.isEmpty else { return }
        try client.withHandle { handle throws(KafkaError) in
            let list = PartitionList.make(offsets)
            defer { rd_kafka_topic_partition_list_destroy(list) }
            let result = rd_kafka_commit(handle, list, 1)
            guard result == RD_KAFKA_RESP_ERR_NO_ERROR else { throw KafkaError(result) }
        }
    }

    /// Mirrors the offsets to the broker and waits for its answer, at most `timeout` (for shutdown).
    public func commitAndWait(_ offsets: [TopicPartition: Int64], timeout: Duration = .seconds(5)) async throws(KafkaError) {
        guard !offsets.isEmpty else { return }
        let client = self.client
        try await BlockingCall.result("offset commit", timeout: timeout) { () throws(KafkaError) in
            try client.withHandle { handle throws(KafkaError) in
                let list = PartitionList.make(offsets)
                defer { rd_kafka_topic_partition_list_destroy(list) }
                let queue = rd_kafka_queue_new(handle)
                defer { rd_kafka_queue_destroy(queue) }
                let result = rd_kafka_commit_queue(handle, list, queue, nil, nil)
                guard result == RD_KAFKA_RESP_ERR_NO_ERROR else { throw KafkaError(result) }
                guard let event = rd_kafka_queue_poll(queue, timeout.kafkaMilliseconds) else {
                    throw KafkaError.timedOut("offset commit", after: timeout)
                }
                defer { rd_kafka_event_destroy(event) }
                let err = rd_kafka_event_error(event)
                guard err == RD_KAFKA_RESP_ERR_NO_ERROR else {
                    throw KafkaError(err, detail: rd_kafka_event_error_string(event).map { String(cString: $0) })
                }
                if let committed = rd_kafka_event_topic_partition_list(event), let failure = PartitionList.firstError(committed) {
                    throw failure
                }
            }
        }
    }

    /// The offsets the broker holds for this group (what lag tools see), for partitions that have one.
    public func committedOffsets(for partitions: [TopicPartition], timeout: Duration = .seconds(5)) async throws(KafkaError) -> [TopicPartition: Int64] {
        let client = self.client
        return try await BlockingCall.result("committed offsets query", timeout: timeout) { () throws(KafkaError) in
            try client.withHandle { handle throws(KafkaError) in
                let list = PartitionList.make(partitions.map { ($0, PartitionList.LogicalOffset.invalid) })
                defer { rd_kafka_topic_partition_list_destroy(list) }
                let result = rd_kafka_committed(handle, list, timeout.kafkaMilliseconds)
                guard result == RD_KAFKA_RESP_ERR_NO_ERROR else { throw KafkaError(result) }
                var offsets: [TopicPartition: Int64] = [:]
                for entry in PartitionList.entries(list) where entry.offset >= 0 {
                    offsets[entry.topicPartition] = entry.offset
                }
                return offsets
            }
        }
    }

    /// Moves the read position of assigned partitions. Messages of those partitions still waiting in
    /// the buffer are dropped, so the next message you see for a partition is the one sought.
    public func seek(_ offsets: [TopicPartition: Int64]) async throws(KafkaError) {
        guard !offsets.isEmpty else { return }
        let request = ConsumerEngine.SeekRequest(offsets: offsets, done: OneShot())
        guard engine.enqueueSeek(request) else { throw KafkaError.closed("consumer") }
        try await request.done.value.get()
    }

    /// Stops fetching these partitions until `resume`, for an application that holds enough of
    /// them already. librdkafka drops what it had prefetched of a paused partition and, on
    /// resume, fetches again from the offset after the last message handed out, so nothing is
    /// skipped and nothing comes twice. The pause lasts until `resume` or a new assignment.
    public func pause(_ partitions: [TopicPartition]) throws(KafkaError) {
        try pauseOrResume(partitions, pause: true)
    }

    /// Fetches paused partitions again (harmless for partitions not paused).
    public func resume(_ partitions: [TopicPartition]) throws(KafkaError) {
        try pauseOrResume(partitions, pause: false)
    }

    private func pauseOrResume(_ partitions: [TopicPartition], pause: Bool) throws(KafkaError) {
        guard !partitions.isEmpty else { return }
        try client.withHandle { handle throws(KafkaError) in
            let list = PartitionList.make(partitions.map { ($0, PartitionList.LogicalOffset.invalid) })
            defer { rd_kafka_topic_partition_list_destroy(list) }
            let result = pause ? rd_kafka_pause_partitions(handle, list) : rd_kafka_resume_partitions(handle, list)
            guard result == RD_KAFKA_RESP_ERR_NO_ERROR else { throw KafkaError(result) }
            if let failure = PartitionList.firstError(list) { throw failure }
        }
    }

    /// Asks the partition leader for the current low and high watermarks.
    public func watermarks(for partition: TopicPartition, timeout: Duration = .seconds(5)) async throws(KafkaError) -> KafkaWatermarks {
        let client = self.client
        return try await BlockingCall.result("watermark query", timeout: timeout) { () throws(KafkaError) in
            try client.withHandle { handle throws(KafkaError) in
                try KafkaWatermarks.query(handle, partition, timeoutMs: timeout.kafkaMilliseconds)
            }
        }
    }

    /// The watermarks seen in the last fetch response, without asking the broker (cheap enough for
    /// a metrics scrape); nil until the partition has been fetched from.
    public func cachedWatermarks(for partition: TopicPartition) -> KafkaWatermarks? {
        try? client.withHandle { handle in
            var low: Int64 = PartitionList.LogicalOffset.invalid
            var high: Int64 = PartitionList.LogicalOffset.invalid
            let result = rd_kafka_get_watermark_offsets(handle, partition.topic, partition.partition, &low, &high)
            guard result == RD_KAFKA_RESP_ERR_NO_ERROR, high >= 0 else { return nil }
            return KafkaWatermarks(low: max(low, 0), high: high)
        }
    }

    /// A metadata round trip through this consumer's connections (for `/readyz`); with
    /// `listingTopics`, also the names of the cluster's topics.
    public func checkConnectivity(timeout: Duration = .seconds(5), listingTopics: Bool = false) async throws(KafkaError) -> KafkaClusterInfo {
        let client = self.client
        return try await BlockingCall.result("connectivity check", timeout: timeout) { () throws(KafkaError) in
            try client.clusterInfo(timeout: timeout, listingTopics: listingTopics).get()
        }
    }

    /// Leaves the group and frees the client, within `timeout` even when the broker is gone.
    ///
    /// The event sequence ends at once (events not yet taken are dropped: their offsets were never
    /// stored, so the next owner reads them again) and the partitions are released without a
    /// `.revoked` event: finish and commit your current batch before calling this. If librdkafka has
    /// not finished closing in time this throws `kafka_shutdown_timed_out` and the close goes on in
    /// the background. Calling it again is harmless.
    public func shutdown(timeout: Duration = .seconds(10)) async throws(KafkaError) {
        engine.requestStop()
        guard await engine.finished.value(timeout: timeout) != nil else {
            throw KafkaError(
                code: KafkaError.Code.shutdownTimedOut,
                message: "the consumer of group '\(groupID)' did not close within \(timeout.kafkaDescription) (broker \(client.bootstrapServers) unreachable?); librdkafka goes on closing in the background"
            )
        }
    }
}
