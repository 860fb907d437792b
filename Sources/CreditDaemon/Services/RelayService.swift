import CreditCore
import CreditKafka
import CreditStore
import Foundation
import Logging
import ServiceLifecycle

/// Publishes the outbox in order with the idempotent producer and deletes each row once the broker
/// acknowledged it. A crash between the two republishes the row with the same id; nothing is lost.
/// It stops after the consumer (services stop in reverse order), so the last batch is still
/// flushed, within `drainTimeout`. A producer that stops making progress (the broker came back
/// empty and refuses its producer id, a fatal error, ...) is replaced, as `RelayHealth` decides.
public final class RelayService: Service, Sendable {
    let producers: RelayProducer
    /// The producer in use now (a wedged one is replaced while the daemon runs).
    public var producer: KafkaProducer { producers.producer }
    let database: CreditDatabase
    let doorbell: RelayDoorbell
    let status: DaemonStatus
    let logger: Logger
    let batchSize: Int
    let drainTimeout: Duration
    let stallTimeout: Duration
    let onPublished: @Sendable (_ topic: String, _ count: Int) -> Void
    /// Called with the number of messages parked in `outbox_refused` after the relay parked some.
    let onRefused: @Sendable (_ parked: Int) -> Void

    public init(producer: KafkaProducer, database: CreditDatabase, doorbell: RelayDoorbell, status: DaemonStatus,
                logger: Logger, batchSize: Int = 2000, drainTimeout: Duration = .seconds(10),
                stallTimeout: Duration = .seconds(15), replacementProducer: (@Sendable () throws -> KafkaProducer)? = nil,
                onPublished: @escaping @Sendable (String, Int) -> Void = { _, _ in },
                onRefused: @escaping @Sendable (Int) -> Void = { _ in }) {
        self.producers = RelayProducer(producer, make: replacementProducer)
        self.database = database
        self.doorbell = doorbell
        self.status = status
        self.logger = logger
        self.batchSize = batchSize
        self.drainTimeout = drainTimeout
        self.stallTimeout = stallTimeout
        self.onPublished = onPublished
        self.onRefused = onRefused
    }

    /// Bytes of message values read for one batch, at most (a batch of large dead letters
    /// would otherwise be gigabytes in memory).
    static let batchBytes = 32 << 20

    public static func makeProducer(config: DaemonConfig, logger: Logger,
                                    statistics: (@Sendable (String) -> Void)? = nil) throws -> KafkaProducer {
        var properties = try config.kafkaPropertiesWithSecrets()
        for key in ["group.id", "auto.offset.reset", "enable.auto.commit", "enable.auto.offset.store",
                    "session.timeout.ms", "heartbeat.interval.ms", "max.poll.interval.ms", "fetch.max.bytes",
                    "max.partition.fetch.bytes", "partition.assignment.strategy", "isolation.level",
                    "queued.max.messages.kbytes", "queued.min.messages", "fetch.wait.max.ms", "fetch.min.bytes"] {
            properties.removeValue(forKey: key)
        }
        properties["bootstrap.servers"] = config.bootstrapServers
        properties["client.id"] = properties["client.id"] ?? config.instance
        properties["enable.idempotence"] = "true"
        if statistics != nil { properties["statistics.interval.ms"] = properties["statistics.interval.ms"] ?? "5000" }
        properties["linger.ms"] = properties["linger.ms"] ?? "5"
        // Dead letters are copied byte for byte, so the producer must accept what was consumed.
        properties["message.max.bytes"] = properties["message.max.bytes"] ?? String(max(1_000_000, config.maxMessageBytes * 2 + 65_536))
        return try KafkaProducer(configuration: KafkaConfiguration(properties: properties),
                                 options: KafkaProducerOptions(statistics: statistics), logger: logger)
    }

    public func run() async throws {
        var health = RelayHealth()
        var drainDeadline: ContinuousClock.Instant?
        var abandoned: (rows: [OutboxMessage], deliveries: PendingDeliveries)?
        var lastCount: ContinuousClock.Instant?
        try await withGracefulShutdownHandler {
            relay: while !Task.isCancelled {
                if drainDeadline == nil, Task.isShuttingDownGracefully {
                    drainDeadline = .now + drainTimeout
                }
                let pending = try database.read { db in try Outbox.pending(db, limit: batchSize, maxBytes: Self.batchBytes) }
                // A short read is the whole outbox. A full one means a backlog, which only a
                // count over every row's pages measures (11 ms for 50,000 rows): once a second.
                if pending.count < batchSize && pending.map(\.value.count).reduce(0, +) < Self.batchBytes {
                    status.outboxBacklog(pending.count)
                } else if lastCount.map({ ContinuousClock.now - $0 > .seconds(1) }) ?? true {
                    status.outboxBacklog(try database.read { db in try Outbox.backlog(db) })
                    lastCount = .now
                }
                if pending.isEmpty {
                    if drainDeadline != nil { break }
                    await doorbell.wait(timeout: .seconds(1))
                    continue
                }
                if let deadline = drainDeadline, ContinuousClock.now > deadline {
                    logger.warning("outbox not drained before the stop deadline; the rest is published at the next start",
                                   metadata: ["outbox_backlog": "\(pending.count)+"])
                    break
                }
                let outcome = try await publish(pending, drainDeadline: &drainDeadline)
                let action: RelayAction
                switch outcome {
                case .published:
                    // Publishing works: lift the problem the relay reported, if any (the
                    // consumer's own stands apart).
                    status.brokerProblem(nil)
                    action = health.recordSuccess()
                case .failed(let failure, let leftover):
                    action = health.recordFailure(failure)
                    if action == .replaceProducer {
                        try await replaceProducer(after: failure, replacements: health.replacements, rows: pending, leftover: leftover)
                        continue
                    }
                case .abandoned(let deliveries):
                    logger.warning("stop deadline reached with a batch still in delivery; its rows stay in the outbox for the next start",
                                   metadata: ["outbox_backlog": "\(pending.count)+"])
                    abandoned = (pending, deliveries)
                    break relay
                }
                if case .backoff(let pause) = action {
                    if drainDeadline == nil { await doorbell.wait(timeout: pause) } else { try? await Task.sleep(for: pause) }
                }
            }
        } onGracefulShutdown: {
            self.doorbell.ring()
        }
        do {
            try await producer.shutdown(timeout: .seconds(5))
        } catch {
            logger.warning("producer did not close cleanly", metadata: ["error": "\(error)"])
        }
        // What the closing producer still delivered leaves the outbox (the rest is purged).
        if let abandoned, let results = await abandoned.deliveries.reports(timeout: .seconds(1)) {
            _ = try acknowledge(abandoned.rows, results, warn: false)
        }
    }

    /// How one batch went.
    private enum BatchOutcome {
        case published
        /// Some rows failed; `leftover` holds the records still in flight when the relay gave up on them.
        case failed(RelayFailure, leftover: PendingDeliveries?)
        /// The stop deadline came with the batch still in flight.
        case abandoned(PendingDeliveries)
    }

    /// Sends one slice of the outbox and acknowledges what the broker took. The wait is bounded: by
    /// `stallTimeout` without any delivery report, by a fatal producer error, and by the stop deadline.
    private func publish(_ pending: [OutboxMessage], drainDeadline: inout ContinuousClock.Instant?) async throws -> BatchOutcome {
        let messages = pending.map { row in
            OutgoingMessage(topic: row.topic, key: row.key, value: row.value,
                            headers: row.headers.map { ($0.name, $0.value) })
        }
        let producer = self.producer
        let deliveries = await producer.enqueue(messages)
        var answered = 0
        var lastProgress = ContinuousClock.now
        while true {
            if let results = await deliveries.reports(timeout: .seconds(1)) {
                return try acknowledge(pending, results, warn: true)
            }
            if drainDeadline == nil, Task.isShuttingDownGracefully {
                drainDeadline = .now + drainTimeout
            }
            if Task.isCancelled || drainDeadline.map({ ContinuousClock.now >= $0 }) == true {
                return .abandoned(deliveries)
            }
            if let fatal = producer.fatalError {
                status.brokerProblem(fatal.message)
                logger.error("the relay's producer hit a fatal error",
                             metadata: ["error.code": "\(fatal.code)", "error": "\(fatal.message)"])
                return .failed(.fatal, leftover: deliveries)
            }
            let now = deliveries.answeredCount
            if now != answered {
                answered = now
                lastProgress = .now
            } else if ContinuousClock.now - lastProgress >= stallTimeout {
                status.brokerProblem("no delivery report for \(stallTimeout)")
                logger.warning("publishing stalled: no delivery report; the outbox keeps the messages",
                               metadata: ["stall_timeout": "\(stallTimeout)", "in_flight": "\(deliveries.count - now)"])
                return .failed(.stalled, leftover: deliveries)
            }
        }
    }

    /// Deletes the delivered rows from the outbox, parks the ones the broker refused for good
    /// (`RefusedOutbox`), and tells how the batch went: a batch whose only failures are such
    /// refusals counts as published, since retrying cannot help and must not hold back the rest.
    private func acknowledge(_ pending: [OutboxMessage], _ results: [Result<DeliveryReport, KafkaError>], warn: Bool) throws -> BatchOutcome {
        var delivered: [Int64] = []
        var refused: [(row: OutboxMessage, error: KafkaError)] = []
        var byTopic: [String: Int] = [:]
        var firstError: KafkaError?
        var failures: [RelayFailure] = []
        for (row, result) in zip(pending, results) {
            switch result {
            case .success:
                delivered.append(row.seq)
                byTopic[row.topic, default: 0] += 1
            case .failure(let error) where RelayFailure.refusesForGood(code: error.code):
                refused.append((row, error))
            case .failure(let error):
                if firstError == nil { firstError = error }
                failures.append(RelayFailure(code: error.code, isFatal: error.isFatal))
            }
        }
        if !delivered.isEmpty || !refused.isEmpty {
            let parked = try database.write { db in
                try Outbox.acknowledge(db, seqs: delivered)
                guard !refused.isEmpty else { return 0 }
                let stamp = Timestamp.wallClockNow().rfc3339
                for (row, error) in refused {
                    try RefusedOutbox.refuse(db, seq: row.seq, code: error.code, message: error.message, at: stamp)
                }
                return try RefusedOutbox.count(db)
            }
            for (row, error) in refused {
                logger.error("the broker refused a message for good; it is parked, not published: fix the cause, then run `creditctl outbox retry`",
                             metadata: ["error.code": "\(error.code)", "error": "\(error.message)", "topic": "\(row.topic)",
                                        "message_id": "\(row.messageId)", "outbox_seq": "\(row.seq)", "bytes": "\(row.value.count)"])
            }
            if !refused.isEmpty { onRefused(parked) }
        }
        for (topic, count) in byTopic { onPublished(topic, count) }
        guard let firstError, let failure = RelayFailure.worst(failures) else { return .published }
        if warn {
            status.brokerProblem(firstError.message)
            logger.warning("publishing failed; the outbox keeps the messages and retries",
                           metadata: ["error.code": "\(firstError.code)", "error": "\(firstError.message)",
                                      "failed": "\(failures.count)"])
        }
        return .failed(failure, leftover: nil)
    }

    /// Swaps the wedged producer for a new one (new connections, new producer id), closes the old
    /// one within 2 s (purging what it still holds) and acknowledges what it delivered meanwhile.
    private func replaceProducer(after failure: RelayFailure, replacements: Int, rows: [OutboxMessage],
                                 leftover: PendingDeliveries?) async throws {
        guard let make = producers.make else {
            logger.warning("the relay's producer looks wedged but cannot be replaced here; retrying with it",
                           metadata: ["reason": "\(failure)"])
            await pause(.seconds(5))
            return
        }
        let fresh: KafkaProducer
        do {
            fresh = try make()
        } catch {
            logger.error("could not create a new producer for the relay; retrying with the old one",
                         metadata: ["reason": "\(failure)", "error": "\(error)"])
            await pause(.seconds(5))
            return
        }
        let old = producers.swap(for: fresh)
        logger.warning("relay producer replaced; the outbox is published with a new producer",
                       metadata: ["reason": "\(failure)", "replacements_in_a_row": "\(replacements)"])
        do {
            try await old.shutdown(timeout: .seconds(2))
        } catch {
            logger.notice("the replaced producer did not close cleanly; its undelivered records stay in the outbox",
                          metadata: ["error": "\(error)"])
        }
        if let leftover, let results = await leftover.reports(timeout: .seconds(1)) {
            _ = try acknowledge(rows, results, warn: false)
        }
        // Back to back replacements mean the broker itself is away: do not churn producers.
        if replacements > 1 {
            await pause(.seconds(min(30, 5 * (replacements - 1))))
        }
    }

    /// Waits before the next attempt; briefly only once the daemon is stopping.
    private func pause(_ duration: Duration) async {
        if Task.isShuttingDownGracefully {
            try? await Task.sleep(for: min(duration, .seconds(1)))
        } else {
            await doorbell.wait(timeout: duration)
        }
    }
}
