import CreditCore
import CreditHTTP
import CreditKafka
import CreditStore
import Foundation
import Logging
import ServiceLifecycle
import Synchronization

/// The single-writer loop: takes batches from the Kafka consumer, applies each in one SQLite
/// transaction (state, offsets, dedup keys, outbox), rings the relay, and mirrors the offsets to
/// the broker for lag tools. On graceful shutdown it finishes the batch in hand, then leaves the
/// group cleanly.
public final class ConsumeService: Service, Sendable {
    let consumer: KafkaConsumer
    let processor: BatchProcessor
    let status: DaemonStatus
    let doorbell: RelayDoorbell
    let logger: Logger
    let decisionLog: DecisionLog
    let shutdownTimeout: Duration
    let metrics: CreditMetrics?
    /// Called after a batch that saw customers for the first time (the bureau fetches their reports).
    let onNewCustomers: (@Sendable () -> Void)?
    /// Consumer errors repeated with each reconnect attempt, held back after the first.
    private let repeatedErrors = Mutex(RepeatedLineFilter())

    public init(consumer: KafkaConsumer, processor: BatchProcessor, status: DaemonStatus, doorbell: RelayDoorbell,
                logger: Logger, metrics: CreditMetrics? = nil, shutdownTimeout: Duration = .seconds(10),
                onNewCustomers: (@Sendable () -> Void)? = nil) {
        self.metrics = metrics
        self.onNewCustomers = onNewCustomers
        self.consumer = consumer
        self.processor = processor
        self.status = status
        self.doorbell = doorbell
        self.logger = logger
        self.decisionLog = DecisionLog(logger: logger)
        self.shutdownTimeout = shutdownTimeout
    }

    /// Builds the consumer whose starting offsets come from the database.
    public static func makeConsumer(config: DaemonConfig, database: CreditDatabase, logger: Logger,
                                    statistics: (@Sendable (String) -> Void)? = nil) throws -> KafkaConsumer {
        var properties = try config.kafkaPropertiesWithSecrets()
        properties["bootstrap.servers"] = config.bootstrapServers
        properties["group.id"] = config.groupId
        properties["client.id"] = properties["client.id"] ?? config.instance
        properties["auto.offset.reset"] = properties["auto.offset.reset"] ?? "earliest"
        // A broker that comes back empty (or a topic created after the daemon started) gives the
        // group no partitions until librdkafka next refreshes its metadata: 5 min by default.
        properties["topic.metadata.refresh.interval.ms"] = properties["topic.metadata.refresh.interval.ms"] ?? "5000"
        if statistics != nil { properties["statistics.interval.ms"] = properties["statistics.interval.ms"] ?? "5000" }
        // librdkafka prefetches up to 64 MiB by default; the daemon works through a batch of a few
        // thousand messages at a time, so 4 MiB (about 8,000 events) keeps it fed for a fraction
        // of the memory (docs/performance.md, "Memory").
        properties["queued.max.messages.kbytes"] = properties["queued.max.messages.kbytes"] ?? "4096"
        // librdkafka also aims at 100,000 queued messages per partition, each with its own
        // bookkeeping beside the bytes counted above; 10,000 is five of the largest batches
        // (peak RSS 138-141 against 144-145 MiB with 100,000 customers, session 13). With the
        // business-time merge on, 1,000 and fetches of 256 KiB a partition: the merge holds
        // back what it fetched of the partitions ahead, and the less of them each fetch brings,
        // the sooner the one behind comes through (docs/performance.md, issue 3, session 16).
        let aligned = config.alignWaitMs > 0
        properties["queued.min.messages"] = properties["queued.min.messages"] ?? (aligned ? "1000" : "10000")
        // The merge waits for a partition whose last message is behind its high watermark; the
        // end-of-partition event says when the consumer is at the end even so (a transactional
        // producer's commit markers take offsets no message has).
        if aligned { properties["enable.partition.eof"] = properties["enable.partition.eof"] ?? "true" }
        // How long a fetch may wait at the broker for data (librdkafka: 500 ms). A broker that
        // answers only when the wait ends (Tansu does) adds up to that much to every decision; 10 ms
        // bounds it, for about 100 small fetch requests a second per broker on an idle topic.
        properties["fetch.wait.max.ms"] = properties["fetch.wait.max.ms"] ?? "10"
        // Larger values than the dead-letter limit must still be fetched to be dead-lettered
        // (librdkafka raises a partition's fetch size by itself for a message larger than it).
        properties["fetch.max.bytes"] = properties["fetch.max.bytes"] ?? String(max(52_428_800, config.maxMessageBytes * 2))
        properties["max.partition.fetch.bytes"] = properties["max.partition.fetch.bytes"]
            ?? (aligned ? "262144" : String(max(1_048_576, config.maxMessageBytes + 65_536)))
        return try KafkaConsumer(
            configuration: KafkaConfiguration(properties: properties),
            topics: config.topics.inputs,
            // `.idle` events let a wait for a lagging partition end on time when nothing arrives.
            options: KafkaConsumerOptions(maxBatchSize: config.batchMaxMessages, statistics: statistics,
                                          idleEvents: config.alignWaitMs > 0 ? .milliseconds(min(50, config.alignWaitMs)) : nil),
            logger: logger,
            startingOffsets: { partitions in
                let keys = partitions.map { OffsetStore.Key(topic: $0.topic, partition: $0.partition) }
                let stored = try database.read { db in try OffsetStore.nextOffsets(db, for: keys) }
                var result: [TopicPartition: Int64] = [:]
                for (key, next) in stored { result[TopicPartition(topic: key.topic, partition: key.partition)] = next }
                logger.info("starting offsets from the database", metadata: ["offsets": "\(result.sorted { $0.key < $1.key })"])
                return result
            })
    }

    public func run() async throws {
        defer { doorbell.ring() }
        // Cancelled before the consumer closes: a probe in flight would hold up closing the client.
        let prober = Task { await self.probeBroker() }
        defer { prober.cancel() }
        let config = processor.config
        var alignment = config.alignWaitMs > 0 ? InputAlignment(aligner: EventTimeAligner(options: .init(
            maxWaitMs: Int64(config.alignWaitMs), maxBuffered: config.alignBufferLimit, batchSize: config.batchMaxMessages,
            partitionLimit: max(1, config.batchMaxMessages / 4), acrossPartitionNumbers: config.clock == .event))) : nil
        do {
            for try await event in consumer.events.cancelOnGracefulShutdown() {
                status.busy()
                try handle(event, alignment: &alignment)
                alignment?.clock.worked(until: Self.monotonicMilliseconds())
                status.idle()
            }
        } catch let error as StoreError {
            logger.critical("storage failure; stopping so that nothing moves past unapplied work",
                            metadata: ["error.code": "\(error.code.rawValue)", "error": "\(error.message)"])
            prober.cancel()
            try? await consumer.shutdown(timeout: shutdownTimeout)
            throw error
        }
        prober.cancel()
        logger.info("consumer stopping: leaving the group")
        do {
            try await consumer.shutdown(timeout: shutdownTimeout)
        } catch {
            logger.warning("consumer did not close cleanly", metadata: ["error": "\(error)"])
        }
    }

    /// A consumer error makes `/readyz` report the broker unreachable until the broker is heard
    /// from again. A batch or an assignment says so, but a quiet topic brings neither, so while a
    /// problem stands a metadata round trip checks every `interval` and clears it on an answer.
    /// The same probe lists the broker's topics at start and while an input topic is missing:
    /// librdkafka only reports a missing subscribed topic as an error, and the partitions of the
    /// other topics would otherwise make the daemon look ready while one input is never read.
    ///
    /// A broker that holds its connections and never answers (a hung process, a network that
    /// drops packets) raises no consumer error at all; every third round without a problem, the
    /// same round trip asks it, and no answer within `interval` is reported as a problem. And a
    /// daemon without partitions for minutes says so (`UnassignedWatch`).
    func probeBroker(every interval: Duration = .seconds(5)) async {
        var roundsWithoutProblem = 0
        var unassigned = UnassignedWatch(start: .now)
        while !Task.isCancelled {
            try? await Task.sleep(for: interval)
            if let waited = unassigned.observe(hasPartitions: status.hasPartitions, at: .now) {
                logger.warning("no input partitions assigned for \(waited.components.seconds) s; the consumer group may be stuck on the broker. Offsets live in the database, so another kafka.group_id (CREDITD_KAFKA_GROUP_ID) is safe to start with",
                               metadata: ["group_id": "\(processor.config.groupId)"])
            }
            // A listing that came back is also the proof that the broker answers.
            var answered = false
            if status.needsTopicCheck, let info = try? await consumer.checkConnectivity(timeout: interval, listingTopics: true) {
                answered = true
                let present = Set(info.topics)
                let change = status.inputTopicsChecked(missing: processor.config.topics.inputs.filter { !present.contains($0) })
                if !change.vanished.isEmpty {
                    logger.warning("input topics missing on the broker: nothing is read from them until they are created (docs/operations.md, Topics)",
                                   metadata: ["topics": "\(change.vanished.joined(separator: ", "))"])
                }
                if !change.appeared.isEmpty {
                    logger.notice("input topics found on the broker; their partitions are assigned at the next metadata refresh",
                                  metadata: ["topics": "\(change.appeared.joined(separator: ", "))"])
                }
            }
            // A relay problem (publishing) is not cured by the consumer reaching the broker.
            guard let problem = status.consumerBrokerProblem else {
                roundsWithoutProblem += 1
                guard roundsWithoutProblem >= 3, !answered, !Task.isCancelled else { continue }
                roundsWithoutProblem = 0
                if (try? await consumer.checkConnectivity(timeout: interval)) == nil, !Task.isCancelled, status.consumerBrokerProblem == nil {
                    let text = "the broker does not answer (no reply to a metadata request within \(interval))"
                    status.brokerProblem(text, fromConsumer: true)
                    logger.warning("the broker does not answer; /readyz and STATUS= say so until it does",
                                   metadata: ["bootstrap_servers": "\(processor.config.bootstrapServers)"])
                }
                continue
            }
            roundsWithoutProblem = 0
            if !answered { answered = (try? await consumer.checkConnectivity(timeout: interval)) != nil }
            guard answered else { continue }
            if status.clearBrokerProblem(ifStill: problem) {
                logger.notice("the broker answers again", metadata: ["was": "\(problem)"])
            }
        }
    }

    private func handle(_ event: KafkaConsumerEvent, alignment: inout InputAlignment?) throws {
        switch event {
        case .messages(let messages):
            guard alignment != nil else { return try apply(messages) }
            for message in messages {
                if let next = alignment!.aligner.nextOffset(of: message.topicPartition), message.offset < next,
                   let marks = consumer.cachedWatermarks(for: message.topicPartition), marks.high < next {
                    // Not the same message fetched twice: the log itself is shorter than what was read.
                    logger.warning("the broker's log of a partition went back below what was read; reading it again from there (repeats are skipped by their id)",
                                   metadata: ["partition": "\(message.topicPartition)", "read_up_to": "\(next)",
                                              "now_at": "\(message.offset)", "high_watermark": "\(marks.high)"])
                    alignment!.aligner.rewound(message.topicPartition)
                }
                alignment!.aligner.add(message, partition: message.topicPartition, offset: message.offset,
                                       time: EventTimePeek.time(message.value)?.microsecondsSinceEpoch, bytes: message.value.count)
            }
            try applyAligned(&alignment!)
        case .idle:
            guard alignment != nil else { return }
            alignment!.clock.idle(at: Self.monotonicMilliseconds())
            try applyAligned(&alignment!)
        case .assigned(let partitions):
            if alignment != nil {
                alignment!.aligner.assigned(partitions)
                // A partition paused before a rebalance may come back still paused.
                try? consumer.resume(partitions)
            }
            status.assigned(partitions)
            logger.info("partitions assigned", metadata: ["partitions": "\(partitions.map(\.description))"])
        case .revoked(let partitions, let lost):
            // Held messages are dropped unapplied: their offsets were never stored.
            alignment?.aligner.revoked(partitions)
            status.revoked(partitions)
            // The gauge of a partition this instance no longer consumes would keep its last lag.
            for partition in partitions { metrics?.lag(topic: partition.topic, partition: Int(partition.partition), value: 0) }
            logger.info("partitions revoked", metadata: ["partitions": "\(partitions.map(\.description))", "lost": "\(lost)"])
        case .endOfPartition(let partition, let nextOffset):
            guard alignment != nil else { return }
            alignment!.aligner.reachedEnd(partition, at: nextOffset)
            try applyAligned(&alignment!)
        case .error(let error) where Self.missingTopicCodes.contains(error.code):
            // Not the broker's absence: the probe finds which topics are missing and says so.
            status.wantTopicCheck()
            logger.debug("Kafka consumer reports a missing topic", metadata: ["error.code": "\(error.code)", "error": "\(error.message)"])
        case .error(let error):
            status.brokerProblem(error.message, fromConsumer: true)
            // The same error with every reconnect attempt: the first, then one every 30 s with a count.
            guard let heldBack = repeatedErrors.withLock({ $0.admit("\(error.code) \(error.message)", at: .now) }) else { return }
            logger.warning("Kafka consumer problem", metadata: ["error.code": "\(error.code)", "error": "\(error.message)",
                                                               "repeated": "\(heldBack)"])
        }
    }

    /// librdkafka's names for "this topic does not exist" (a subscribed topic the broker lacks).
    static let missingTopicCodes: Set<String> = ["UNKNOWN_TOPIC_OR_PART", "_UNKNOWN_TOPIC"]

    /// Applies what the aligner releases, a batch at a time, until it holds back the rest.
    private func applyAligned(_ alignment: inout InputAlignment) throws {
        while true {
            let now = alignment.clock.instant(wall: Self.monotonicMilliseconds())
            let batch = alignment.aligner.release(now: now) { partition, position in
                // Lagging: the last fetch saw messages at or after `position` (or nothing was
                // fetched yet). A partition the broker cannot describe is not waited for.
                guard let marks = consumer.cachedWatermarks(for: partition) else { return position == nil }
                return (position ?? marks.low) < marks.high
            }
            let flow = alignment.aligner.flowControl()
            // Each list only once the consumer did it: a partition left paused would never be
            // fetched again; one left fetching only loses some order (the limits still hold).
            for (partitions, pausing) in [(flow.pause, true), (flow.resume, false)] where !partitions.isEmpty {
                do {
                    if pausing { try consumer.pause(partitions) } else { try consumer.resume(partitions) }
                    if pausing { alignment.aligner.paused(partitions) } else { alignment.aligner.resumed(partitions) }
                    logger.debug("input partitions \(pausing ? "paused" : "resumed") for business-time order", metadata: [
                        "partitions": "\(partitions.map(\.description))", "held": "\(alignment.aligner.buffered)",
                    ])
                } catch {
                    logger.warning("could not \(pausing ? "pause" : "resume") input partitions; will try again", metadata: [
                        "partitions": "\(partitions.map(\.description))", "error": "\(error)",
                    ])
                }
            }
            metrics?.inputAlignment(held: alignment.aligner.buffered, paused: alignment.aligner.pausedCount)
            guard !batch.isEmpty else { return }
            try apply(batch)
        }
    }

    /// Records a reloaded policy at once, in a transaction of its own: its `customers.overrides`
    /// reach the customers already known and the next tick visits everyone, without waiting for
    /// an input that may be long in coming. If that fails, the next batch records it.
    func recordReloadedPolicy() {
        do {
            let outcome = try processor.process([], wallNow: Timestamp.wallClockNow())
            guard !outcome.outputs.isEmpty else { return }
            doorbell.ring()
            decisionLog.record(outcome)
            for output in outcome.outputs { metrics?.decision(type: output.type.rawValue) }
        } catch {
            logger.warning("the reloaded policy will be recorded with the next batch", metadata: ["error": "\(error)"])
        }
    }

    /// One transaction over `messages`, then the relay, the logs, the metrics and the offset mirror.
    private func apply(_ messages: [KafkaMessage]) throws {
        let incoming = messages.map {
            IncomingMessage(topic: $0.topic, partition: $0.partition, offset: $0.offset, key: $0.key, value: $0.value,
                            timestampMs: $0.timestamp, headers: $0.headers)
        }
        let outcome = try processor.process(incoming, wallNow: Timestamp.wallClockNow())
        doorbell.ring()
        if outcome.newCustomers > 0 { onNewCustomers?() }
        status.applied(messages.count)
        decisionLog.record(outcome)
        record(outcome, messages: messages)
        for tick in outcome.ticksRun {
            // The event clock's ticks run inside the batches; the wall clock's in SchedulerService.
            metrics?.schedulerRun()
            logger.debug("scheduler tick finished", metadata: ["tick": "\(tick.rfc3339)"])
        }
        for repeated in outcome.repeatedIds {
            logger.warning("an event repeats an order, shipment or payment id",
                           metadata: ["detail": "\(repeated.detail)", "field": "\(repeated.repeated.field)", "topic": "\(repeated.topic)",
                                     "partition": "\(repeated.partition)", "offset": "\(repeated.offset)"])
        }
        // One line a batch (a restart on a backlog can bring thousands): how many, and the first.
        if let first = outcome.beyondWindow.first {
            logger.warning("events came later than their customer's reorder window allows; folded out of business-time order",
                           metadata: ["count": "\(outcome.beyondWindow.count)", "first": "\(first.detail)", "topic": "\(first.topic)",
                                      "partition": "\(first.partition)", "offset": "\(first.offset)"])
        }
        for gap in outcome.ticksSkipped {
            logger.warning("a gap in event time skipped scheduler ticks: only the latest \(TickSchedule.defaultMaximumCatchUp) ran",
                           metadata: ["ticks_skipped": "\(gap.count)", "resumed_at": "\(gap.resumedAt.rfc3339)",
                                      "topic": "\(gap.topic)", "partition": "\(gap.partition)", "offset": "\(gap.offset)"])
        }
        var offsets: [TopicPartition: Int64] = [:]
        // Where each partition goes on, as the database stored it: after its last message.
        for message in messages { offsets[message.topicPartition] = message.nextOffset }
        for (partition, next) in offsets {
            // Lag from the high watermark of the last fetch: no extra broker round trip.
            if let marks = consumer.cachedWatermarks(for: partition) {
                let lag = marks.lag(nextOffset: next)
                status.lag(partition, lag)
                metrics?.lag(topic: partition.topic, partition: Int(partition.partition), value: lag)
            }
        }
        do { try consumer.commit(offsets) } catch {
            logger.debug("offset mirror to the broker failed (the database keeps the truth)", metadata: ["error": "\(error)"])
        }
    }

    /// The business-time merge of the inputs and the clock its waits are measured on.
    struct InputAlignment {
        var aligner: EventTimeAligner<KafkaMessage>
        var clock = QuietClock()
    }

    private static let clockOrigin = ContinuousClock.now

    /// Milliseconds on a monotonic clock (the aligner's waits).
    static func monotonicMilliseconds() -> Int64 {
        let elapsed = clockOrigin.duration(to: .now).components
        return elapsed.seconds * 1000 + elapsed.attoseconds / 1_000_000_000_000_000
    }
}

extension ConsumeService {
    /// Counters and histograms for /metrics.
    func record(_ outcome: BatchProcessor.Outcome, messages: [KafkaMessage]) {
        guard let metrics else { return }
        for (topic, types) in outcome.appliedByTopic {
            for (type, count) in types {
                for _ in 0..<count { metrics.eventConsumed(topic: topic, type: type) }
            }
        }
        for output in outcome.outputs { metrics.decision(type: output.type.rawValue) }
        for letter in outcome.deadLetters { metrics.deadLetter(code: letter.code.rawValue) }
        for _ in 0..<outcome.repeated { metrics.duplicate() }
        for _ in 0..<outcome.keyMismatches { metrics.keyMismatch() }
        for repeated in outcome.repeatedIds { metrics.repeatedId(field: repeated.repeated.field) }
        for _ in outcome.beyondWindow { metrics.lateEvent() }
        // Latency: from the input's broker timestamp to its decision committed (now).
        let nowMs = Timestamp.wallClockNow().microsecondsSinceEpoch / 1000
        let latencies = messages.compactMap { $0.timestamp }.map { Duration.milliseconds(max(0, nowMs - $0)) }
        metrics.batch(size: messages.count, latencies: latencies)
    }
}

extension Timestamp {
    /// The system clock, for `clock: wall`. The core never reads a clock; the shells do.
    public static func wallClockNow() -> Timestamp {
        var spec = timespec()
        clock_gettime(CLOCK_REALTIME, &spec)
        return Timestamp(microsecondsSinceEpoch: Int64(spec.tv_sec) * 1_000_000 + Int64(spec.tv_nsec) / 1_000)
    }
}
