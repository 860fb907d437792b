internal import CRDKafka
import Foundation
import Logging
import Synchronization

/// The producer's polling thread (it serves delivery reports) and the book of records in flight.
///
/// Each record travels through librdkafka with a numeric id as its opaque; the id maps to its ticket
/// here. Whatever happens to librdkafka, every ticket ends up answered: by its delivery report, by
/// the purge at shutdown, or by the final sweep after the handle is destroyed.
final class ProducerEngine: ClientEventHandler, @unchecked Sendable {
    enum ProduceOutcome {
        case queued
        /// librdkafka's queue is full: wait for deliveries, then try again.
        case queueFull
        case failed(KafkaError)
    }

    private struct State {
        var stopRequested = false
        var shutdownDeadline = ContinuousClock.now
        var lastID: UInt64 = 0
        var outstanding: [UInt64: DeliveryTicket] = [:]
        var reportsSeen: UInt64 = 0
        var capacityWaiters: [CheckedContinuation<Void, Never>] = []
        var idleWaiters: [OneShot<Void>] = []
    }

    /// Completed with the number of records that were not delivered when the handle went away.
    let finished = OneShot<Int>()
    private let state = Mutex(State())
    private let logger: Logger
    private let onError: (@Sendable (KafkaError) -> Void)?
    /// Set once by `start`, before the thread exists.
    private var client: KafkaClient!

    init(options: KafkaProducerOptions, logger: Logger) {
        self.onError = options.onError
        self.logger = logger
    }

    func start(client: KafkaClient) {
        self.client = client
        BlockingCall.start(name: "kafka-producer-poll") { [self] in run() }
    }

    // MARK: Producing (any task)

    /// A count that moves whenever delivery reports free room in librdkafka's queue.
    var capacityGeneration: UInt64 { state.withLock { $0.reportsSeen } }

    func produce(_ message: OutgoingMessage, ticket: DeliveryTicket) -> ProduceOutcome {
        let id: UInt64? = state.withLock { state in
            guard !state.stopRequested else { return nil }
            state.lastID += 1
            state.outstanding[state.lastID] = ticket
            return state.lastID
        }
        guard let id else { return .failed(.closed("producer")) }
        let opaque = UnsafeMutableRawPointer(bitPattern: UInt(id))
        let error: KafkaError?
        do throws(KafkaError) {
            error = try client.withHandle { handle in NativeProduce.produce(message, opaque: opaque, on: handle) }
        } catch let closed {
            error = closed
        }
        guard let error else { return .queued }
        _ = state.withLock { $0.outstanding.removeValue(forKey: id) }
        return error.code == "_QUEUE_FULL" ? .queueFull : .failed(error)
    }

    /// Returns once a delivery report arrived after `generation` was read (or the producer stops).
    func waitForCapacity(after generation: UInt64) async {
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            let ready = state.withLock { state in
                guard state.reportsSeen == generation, !state.stopRequested else { return true }
                state.capacityWaiters.append(continuation)
                return false
            }
            if ready { continuation.resume() }
        }
    }

    /// Waits until no record is in flight; false if `timeout` passed first.
    func waitUntilIdle(timeout: Duration) async -> Bool {
        let idle = OneShot<Void>()
        let alreadyIdle = state.withLock { state in
            guard !state.outstanding.isEmpty else { return true }
            state.idleWaiters.append(idle)
            return false
        }
        if alreadyIdle { return true }
        return await idle.value(timeout: timeout) != nil
    }

    var outstandingCount: Int { state.withLock { $0.outstanding.count } }

    /// Refuses new records and has the thread flush until `deadline`, then purge and close.
    func requestStop(deadline: ContinuousClock.Instant) {
        let waiters: [CheckedContinuation<Void, Never>] = state.withLock { state in
            guard !state.stopRequested else { return [] }
            state.stopRequested = true
            state.shutdownDeadline = deadline
            defer { state.capacityWaiters.removeAll() }
            return state.capacityWaiters
        }
        for waiter in waiters { waiter.resume() }
    }

    // MARK: The polling thread

    private func run() {
        let handle = client.handle
        while !state.withLock({ $0.stopRequested }) {
            rd_kafka_poll(handle, 100)
        }
        let deadline = state.withLock { $0.shutdownDeadline }
        let budget = max(.zero, deadline - .now)
        var undelivered = 0
        if rd_kafka_flush(handle, budget.kafkaMilliseconds) != RD_KAFKA_RESP_ERR_NO_ERROR {
            undelivered = outstandingCount
            logger.warning("Kafka producer could not deliver everything before shutdown; purging", metadata: ["kafka.undelivered": "\(undelivered)"])
            // Purged records get `_PURGE_QUEUE` / `_PURGE_INFLIGHT` reports (the latter may still
            // have been written: idempotence makes a later retry safe).
            _ = rd_kafka_purge(handle, Self.purgeQueued | Self.purgeInFlight)
            let serveUntil = ContinuousClock.now + .milliseconds(500)
            while outstandingCount > 0 && ContinuousClock.now < serveUntil {
                rd_kafka_poll(handle, 50)
            }
        }
        client.destroy()
        // Anything librdkafka never reported is answered here, so no caller waits forever.
        let orphans: [DeliveryTicket] = state.withLock { state in
            defer { state.outstanding.removeAll() }
            return Array(state.outstanding.values)
        }
        for ticket in orphans {
            ticket.collector.record(ticket.index, .failure(KafkaError(code: "_PURGE_QUEUE", message: "the producer shut down before this record was delivered", isRetriable: true)))
        }
        settleWaiters()
        logger.debug("Kafka producer closed", metadata: ["kafka.client": "\(client.name)"])
        finished.complete(max(undelivered, orphans.count))
    }

    private static let purgeQueued: Int32 = 0x1
    private static let purgeInFlight: Int32 = 0x2

    private func settleWaiters() {
        let (capacity, idle): ([CheckedContinuation<Void, Never>], [OneShot<Void>]) = state.withLock { state in
            state.reportsSeen &+= 1
            let capacity = state.capacityWaiters
            state.capacityWaiters.removeAll()
            var idle: [OneShot<Void>] = []
            if state.outstanding.isEmpty {
                idle = state.idleWaiters
                state.idleWaiters.removeAll()
            }
            return (capacity, idle)
        }
        for waiter in capacity { waiter.resume() }
        for waiter in idle { waiter.complete(()) }
    }

    // MARK: ClientEventHandler

    func clientDelivery(_ message: UnsafePointer<rd_kafka_message_t>) {
        let raw = message.pointee
        let id = UInt64(UInt(bitPattern: raw._private))
        let (ticket, capacity, idle) = state.withLock { state in
            let ticket = state.outstanding.removeValue(forKey: id)
            state.reportsSeen &+= 1
            let capacity = state.capacityWaiters
            if !capacity.isEmpty { state.capacityWaiters.removeAll() }
            var idle: [OneShot<Void>] = []
            if state.outstanding.isEmpty && !state.idleWaiters.isEmpty {
                idle = state.idleWaiters
                state.idleWaiters.removeAll()
            }
            return (ticket, capacity, idle)
        }
        if let ticket {
            let topic = raw.rkt.map { String(cString: rd_kafka_topic_name($0)) } ?? ""
            if raw.err == RD_KAFKA_RESP_ERR_NO_ERROR {
                ticket.collector.record(ticket.index, .success(DeliveryReport(topic: topic, partition: raw.partition, offset: raw.offset)))
            } else {
                let detail = rd_kafka_message_errstr(message).map { String(cString: $0) }
                let partition = raw.partition >= 0 ? TopicPartition(topic: topic, partition: raw.partition) : nil
                ticket.collector.record(ticket.index, .failure(KafkaError(raw.err, detail: detail, topicPartition: partition)))
            }
        }
        for waiter in capacity { waiter.resume() }
        for waiter in idle { waiter.complete(()) }
    }

    func clientError(_ error: KafkaError) {
        var error = error
        if error.code == "_FATAL" {
            error = KafkaError.fatal(of: client.handle)
            logger.critical("Kafka producer hit a fatal error; recreate it", metadata: ["kafka.error": "\(error)"])
        }
        if let onError {
            onError(error)
        } else if !error.isFatal {
            logger.warning("Kafka producer error", metadata: ["kafka.error": "\(error)", "kafka.bootstrap": "\(client.bootstrapServers)"])
        }
    }
}
