internal import CRDKafka
import Logging

/// An idempotent producer: retries inside librdkafka never duplicate or reorder a partition's
/// records, so the outbox relay may resend after a crash and rely on keys for the rest.
///
/// Every record gets an answer: a `DeliveryReport` (partition and offset) once the broker has it, or
/// a `KafkaError` (`_MSG_TIMED_OUT` after `message.timeout.ms`, `_PURGE_*` at shutdown, ...).
public final class KafkaProducer: Sendable {
    private let engine: ProducerEngine
    private let client: KafkaClient

    /// `enable.idempotence` defaults to true here (an explicit value is respected).
    public init(
        configuration: KafkaConfiguration, options: KafkaProducerOptions = KafkaProducerOptions(), logger: Logger
    ) throws(KafkaError) {
        var configuration = configuration
        if configuration["enable.idempotence"] == nil { configuration["enable.idempotence"] = "true" }
        let engine = ProducerEngine(options: options, logger: logger)
        let client = try KafkaClient(
            kind: .producer, configuration: configuration, logger: logger, statistics: options.statistics, handler: engine
        )
        self.engine = engine
        self.client = client
        engine.start(client: client)
        logger.info("Kafka producer started", metadata: [
            "kafka.client": "\(client.name)", "kafka.bootstrap": "\(client.bootstrapServers)",
            "kafka.idempotence": "\(configuration["enable.idempotence"] ?? "")", "kafka.librdkafka": "\(Kafka.runtimeVersion)",
        ])
    }

    deinit {
        engine.requestStop(deadline: .now)
    }

    /// Publishes one record and waits for the broker's acknowledgement.
    public func send(_ message: OutgoingMessage) async throws(KafkaError) -> DeliveryReport {
        try await sendBatch([message])[0].get()
    }

    /// Publishes records without waiting between them (they share network round trips) and returns
    /// each one's outcome, in the order given. When librdkafka's queue is full it waits for room.
    public func sendBatch(_ messages: [OutgoingMessage]) async -> [Result<DeliveryReport, KafkaError>] {
        await enqueue(messages).reports()
    }

    /// Hands records to librdkafka and returns once all are queued (waiting for room when the queue
    /// is full), before any is delivered: the relay can queue the next batch while this one travels.
    /// Records queued by one call keep their order within a partition.
    public func enqueue(_ messages: [OutgoingMessage]) async -> PendingDeliveries {
        let collector = DeliveryCollector(count: messages.count)
        for (index, message) in messages.enumerated() {
            let ticket = DeliveryTicket(collector: collector, index: index)
            retry: while true {
                let generation = engine.capacityGeneration
                switch engine.produce(message, ticket: ticket) {
                case .queued:
                    break retry
                case .queueFull:
                    await engine.waitForCapacity(after: generation)
                case .failed(let error):
                    collector.record(index, .failure(error))
                    break retry
                }
            }
        }
        return PendingDeliveries(collector: collector, count: messages.count)
    }

    /// The fatal error that left this producer unusable (librdkafka gave up on idempotence, ...),
    /// nil while it is healthy. A producer with one never delivers again: replace it.
    public var fatalError: KafkaError? {
        try? client.withHandle { handle throws(KafkaError) -> KafkaError? in
            var buffer = [CChar](repeating: 0, count: 512)
            let err = rd_kafka_fatal_error(handle, &buffer, buffer.count)
            guard err != RD_KAFKA_RESP_ERR_NO_ERROR else { return nil }
            return KafkaError(err, detail: String(errorBuffer: buffer), isFatal: true)
        }
    }

    /// Records waiting for their delivery report (the outbox backlog as librdkafka sees it).
    public var inFlightCount: Int { engine.outstandingCount }

    /// Waits until every record sent so far has its answer, or throws `kafka_timed_out`.
    public func flush(timeout: Duration) async throws(KafkaError) {
        guard await engine.waitUntilIdle(timeout: timeout) else {
            throw KafkaError(
                code: KafkaError.Code.timedOut,
                message: "\(engine.outstandingCount) records still undelivered after \(timeout.kafkaDescription)",
                isRetriable: true
            )
        }
    }

    /// A metadata round trip through this producer's connections (for `/readyz`).
    public func checkConnectivity(timeout: Duration = .seconds(5)) async throws(KafkaError) -> KafkaClusterInfo {
        let client = self.client
        return try await BlockingCall.result("connectivity check", timeout: timeout) { () throws(KafkaError) in
            try client.clusterInfo(timeout: timeout).get()
        }
    }

    /// Refuses new records, delivers what is queued until shortly before `timeout`, purges the rest
    /// (those sends fail with `_PURGE_QUEUE`/`_PURGE_INFLIGHT`) and frees the client. Throws
    /// `kafka_shutdown_timed_out` when records had to be purged or the close overran; returns within
    /// `timeout` either way. Calling it again is harmless.
    public func shutdown(timeout: Duration = .seconds(10)) async throws(KafkaError) {
        // Keep a slice of the bound for purging and destroying the handle after the flush.
        let reserve = min(timeout / 5, .seconds(1))
        engine.requestStop(deadline: .now + timeout - reserve)
        guard let undelivered = await engine.finished.value(timeout: timeout) else {
            throw KafkaError(
                code: KafkaError.Code.shutdownTimedOut,
                message: "the producer did not close within \(timeout.kafkaDescription) (broker \(client.bootstrapServers) unreachable?); librdkafka goes on closing in the background"
            )
        }
        if undelivered > 0 {
            throw KafkaError(
                code: KafkaError.Code.shutdownTimedOut,
                message: "\(undelivered) records could not be delivered within \(timeout.kafkaDescription) and were purged"
            )
        }
    }
}
