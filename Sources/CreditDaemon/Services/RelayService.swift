import CreditKafka
import CreditStore
import Foundation
import Logging
import ServiceLifecycle

/// Publishes the outbox in order with the idempotent producer and deletes each row once the broker
/// acknowledged it. A crash between the two republishes the row with the same id; nothing is lost.
/// It stops after the consumer (services stop in reverse order), so the last batch is still
/// flushed, within `drainTimeout`.
public final class RelayService: Service, Sendable {
    let producer: KafkaProducer
    let database: CreditDatabase
    let doorbell: RelayDoorbell
    let status: DaemonStatus
    let logger: Logger
    let batchSize: Int
    let drainTimeout: Duration
    let onPublished: @Sendable (_ topic: String, _ count: Int) -> Void

    public init(producer: KafkaProducer, database: CreditDatabase, doorbell: RelayDoorbell, status: DaemonStatus,
                logger: Logger, batchSize: Int = 2000, drainTimeout: Duration = .seconds(10),
                onPublished: @escaping @Sendable (String, Int) -> Void = { _, _ in }) {
        self.producer = producer
        self.database = database
        self.doorbell = doorbell
        self.status = status
        self.logger = logger
        self.batchSize = batchSize
        self.drainTimeout = drainTimeout
        self.onPublished = onPublished
    }

    public static func makeProducer(config: DaemonConfig, logger: Logger,
                                    statistics: (@Sendable (String) -> Void)? = nil) throws -> KafkaProducer {
        var properties = config.kafkaProperties
        for key in ["group.id", "auto.offset.reset", "enable.auto.commit", "enable.auto.offset.store",
                    "session.timeout.ms", "heartbeat.interval.ms", "max.poll.interval.ms", "fetch.max.bytes",
                    "max.partition.fetch.bytes", "partition.assignment.strategy", "isolation.level"] {
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
        var failures = 0
        var drainDeadline: ContinuousClock.Instant?
        try await withGracefulShutdownHandler {
            while !Task.isCancelled {
                if drainDeadline == nil, Task.isShuttingDownGracefully {
                    drainDeadline = .now + drainTimeout
                }
                let pending = try database.read { db in try Outbox.pending(db, limit: batchSize) }
                status.outboxBacklog(try database.read { db in try Outbox.backlog(db) })
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
                let published = try await publish(pending)
                if published < pending.count {
                    failures += 1
                    let pause = Duration.milliseconds(min(5_000, 100 * (1 << min(failures, 6))))
                    if drainDeadline == nil { await doorbell.wait(timeout: pause) } else { try? await Task.sleep(for: pause) }
                } else {
                    failures = 0
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
    }

    /// Sends one slice of the outbox; acknowledges what the broker took. Returns how many.
    private func publish(_ pending: [OutboxMessage]) async throws -> Int {
        let messages = pending.map { row in
            OutgoingMessage(topic: row.topic, key: row.key, value: row.value,
                            headers: row.headers.map { ($0.name, $0.value) })
        }
        let results = await producer.sendBatch(messages)
        var delivered: [Int64] = []
        var byTopic: [String: Int] = [:]
        var firstError: KafkaError?
        for (row, result) in zip(pending, results) {
            switch result {
            case .success:
                delivered.append(row.seq)
                byTopic[row.topic, default: 0] += 1
            case .failure(let error):
                if firstError == nil { firstError = error }
            }
        }
        if !delivered.isEmpty {
            try database.write { db in try Outbox.acknowledge(db, seqs: delivered) }
        }
        for (topic, count) in byTopic { onPublished(topic, count) }
        if let firstError {
            status.brokerProblem(firstError.message)
            logger.warning("publishing failed; the outbox keeps the messages and retries",
                           metadata: ["error.code": "\(firstError.code)", "error": "\(firstError.message)",
                                      "failed": "\(pending.count - delivered.count)"])
        }
        return delivered.count
    }
}
