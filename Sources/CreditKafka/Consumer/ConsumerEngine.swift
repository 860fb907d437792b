internal import CRDKafka
import Foundation
import Logging
import Synchronization

/// The consumer's polling thread and everything confined to it.
///
/// librdkafka serves callbacks (rebalance, errors, statistics, commit results) from inside the poll
/// calls. The rebalance callback does not act on the spot: it keeps a copy of the partition list,
/// makes the poll return, and the thread handles the rebalance after handing over the messages it
/// already took. That keeps the event order honest (messages of a revoked partition always come
/// before its `.revoked`) and lets the thread wait for the application without blocking inside C.
/// librdkafka allows assigning after the callback returns: the group waits for the call.
final class ConsumerEngine: ClientEventHandler, @unchecked Sendable {
    struct SeekRequest: Sendable {
        var offsets: [TopicPartition: Int64]
        var done: OneShot<Result<Void, KafkaError>>
    }

    private struct Control {
        var stopRequested = false
        var seeks: [SeekRequest] = []
        var assignment: Set<TopicPartition> = []
    }

    let handoff: EventHandoff<KafkaConsumerEvent>
    /// Completed once the handle is destroyed (the group left, the thread gone).
    let finished = OneShot<Void>()
    private let options: KafkaConsumerOptions
    private let startingOffsets: KafkaConsumer.StartingOffsets
    /// Where partitions without an application offset start: `auto.offset.reset` as a logical offset.
    private let fallbackOffset: Int64
    private let logger: Logger
    private let control = Mutex(Control())
    /// Set once by `start`, before the thread exists.
    private var client: KafkaClient!

    // Confined to the polling thread.
    private var pendingRebalances: [(rd_kafka_resp_err_t, UnsafeMutablePointer<rd_kafka_topic_partition_list_t>)] = []
    private var pendingErrors: [KafkaError] = []
    private var fatalError: KafkaError?
    private var closing = false
    /// Partitions sought since the current poll: messages of theirs still in hand are stale.
    private var soughtSincePoll: Set<TopicPartition> = []
    private var topicNameCache: (copy: [CChar], name: String) = ([0], "")

    private static let pollTimeout: Int32 = 250
    /// When the poll thread last came back from `rd_kafka_consumer_poll` (a watchdog's evidence
    /// that it still turns while the processing loop waits for messages).
    private let heartbeat = Mutex(ContinuousClock.now)
    var lastPoll: ContinuousClock.Instant { heartbeat.withLock { $0 } }
    private static let seekTimeout: Int32 = 5000

    init(options: KafkaConsumerOptions, autoOffsetReset: AutoOffsetReset?, logger: Logger, startingOffsets: @escaping KafkaConsumer.StartingOffsets) {
        self.options = options
        self.handoff = EventHandoff(capacity: max(1, options.bufferedBatches))
        self.startingOffsets = startingOffsets
        // librdkafka's own default for auto.offset.reset is "latest".
        self.fallbackOffset = autoOffsetReset == .earliest ? PartitionList.LogicalOffset.beginning : PartitionList.LogicalOffset.end
        self.logger = logger
    }

    func start(client: KafkaClient) {
        self.client = client
        BlockingCall.start(name: "kafka-consumer-poll") { [self] in run() }
    }

    var assignment: [TopicPartition] {
        control.withLock { $0.assignment.sorted() }
    }

    // MARK: Requests from other threads

    /// Stops fetching, ends the event sequence and starts the close; `finished` tells when done.
    func requestStop() {
        let first = control.withLock { control in
            defer { control.stopRequested = true }
            return !control.stopRequested
        }
        guard first else { return }
        handoff.close()
        wakePoller()
    }

    /// Queues a seek for the polling thread; false once stopping.
    func enqueueSeek(_ request: SeekRequest) -> Bool {
        let accepted = control.withLock { control in
            guard !control.stopRequested else { return false }
            control.seeks.append(request)
            return true
        }
        if accepted {
            handoff.interrupt()
            wakePoller()
        }
        return accepted
    }

    /// Makes a poll in progress return now instead of at its timeout.
    private func wakePoller() {
        try? client.withHandle { handle in
            if let queue = rd_kafka_queue_get_consumer(handle) {
                rd_kafka_queue_yield(queue)
                rd_kafka_queue_destroy(queue)
            }
        }
    }

    private var stopRequested: Bool { control.withLock { $0.stopRequested } }

    // MARK: The polling thread

    private func run() {
        let handle = client.handle
        let queue = rd_kafka_queue_get_consumer(handle)
        let capacity = max(1, options.maxBatchSize)
        let pollTimeout = options.idleEvents.map { max(1, $0.kafkaMilliseconds) } ?? Self.pollTimeout
        let slots = UnsafeMutablePointer<UnsafeMutablePointer<rd_kafka_message_t>?>.allocate(capacity: capacity)
        defer { slots.deallocate() }

        while !stopRequested && fatalError == nil {
            serviceSeeks()
            soughtSincePoll.removeAll()
            var count = 0
            if let first = rd_kafka_consumer_poll(handle, pollTimeout) {
                slots[0] = first
                count = 1
                // Whatever else is already fetched, without waiting: big batches under load,
                // no added latency when traffic is thin.
                if capacity > 1, let queue {
                    let more = rd_kafka_consume_batch_queue(queue, 0, slots + 1, capacity - 1)
                    if more > 0 { count += more }
                }
            }
            heartbeat.withLock { $0 = .now }
            deliverMessages(slots, count)
            deliverPendingCallbacks()
            if count == 0, options.idleEvents != nil { _ = handoff.pushIfWaited(.idle) }
        }

        closing = true
        if let fatalError {
            logger.error("Kafka consumer stopped on a fatal error", metadata: ["kafka.error": "\(fatalError)"])
            handoff.finish(throwing: fatalError)
        }
        for (err, list) in pendingRebalances {
            applyRebalance(err, list)
            rd_kafka_topic_partition_list_destroy(list)
        }
        pendingRebalances.removeAll()
        let closed = rd_kafka_consumer_close(handle)  // serves the final revocation on this thread
        if closed != RD_KAFKA_RESP_ERR_NO_ERROR {
            logger.warning("Kafka consumer close reported an error", metadata: ["kafka.error": "\(KafkaError(closed))"])
        }
        if let queue { rd_kafka_queue_destroy(queue) }
        let abandoned = control.withLock { control in
            control.stopRequested = true
            control.assignment.removeAll()
            defer { control.seeks.removeAll() }
            return control.seeks
        }
        for seek in abandoned { seek.done.complete(.failure(.closed("consumer"))) }
        handoff.finish()
        client.destroy(flags: RD_KAFKA_DESTROY_F_NO_CONSUMER_CLOSE)
        logger.debug("Kafka consumer closed", metadata: ["kafka.client": "\(client.name)"])
        finished.complete(())
    }

    private func deliverMessages(_ slots: UnsafeMutablePointer<UnsafeMutablePointer<rd_kafka_message_t>?>, _ count: Int) {
        guard count > 0 else { return }
        var batch: [KafkaMessage] = []
        batch.reserveCapacity(count)
        for index in 0..<count {
            guard let message = slots[index] else { continue }
            defer { rd_kafka_message_destroy(message) }
            let err = message.pointee.err
            if err == RD_KAFKA_RESP_ERR_NO_ERROR {
                let copy = copyMessage(message)
                if soughtSincePoll.isEmpty || !soughtSincePoll.contains(copy.topicPartition) {
                    batch.append(copy)
                }
                continue
            }
            // An error or end-of-partition marker between messages: keep the order around it.
            deliverBatch(&batch)
            let topicPartition = message.pointee.rkt.map {
                TopicPartition(topic: topicName($0), partition: message.pointee.partition)
            }
            if err == RD_KAFKA_RESP_ERR__PARTITION_EOF, let topicPartition {
                deliver(.endOfPartition(topicPartition, nextOffset: message.pointee.offset))
            } else if err == RD_KAFKA_RESP_ERR__FATAL {
                fatalError = KafkaError.fatal(of: client.handle)
            } else {
                let detail = rd_kafka_message_errstr(message).map { String(cString: $0) }
                deliver(.error(KafkaError(err, detail: detail, topicPartition: topicPartition)))
            }
        }
        deliverBatch(&batch)
    }

    private func deliverBatch(_ batch: inout [KafkaMessage]) {
        guard !batch.isEmpty else { return }
        deliver(.messages(batch))
        batch.removeAll(keepingCapacity: true)
    }

    private func deliverPendingCallbacks() {
        let errors = pendingErrors
        pendingErrors.removeAll()
        for error in errors { deliver(.error(error)) }
        while !pendingRebalances.isEmpty {
            let (err, list) = pendingRebalances.removeFirst()
            applyRebalance(err, list)
            rd_kafka_topic_partition_list_destroy(list)
        }
    }

    /// Pushes one event, servicing seeks that interrupt the wait. Returns the acknowledgement
    /// ticket, or nil if the event was dropped (closing, or emptied by a seek).
    @discardableResult
    private func deliver(_ event: KafkaConsumerEvent, acknowledged: Bool = false) -> UInt64? {
        var event = event
        while true {
            switch handoff.push(event, acknowledged: acknowledged) {
            case .accepted(let ticket):
                return ticket
            case .closed:
                return nil
            case .interrupted:
                serviceSeeks()
                if case .messages(let batch) = event {
                    let kept = batch.filter { !soughtSincePoll.contains($0.topicPartition) }
                    guard !kept.isEmpty else { return nil }
                    event = .messages(kept)
                }
            }
        }
    }

    // MARK: Rebalances

    private func applyRebalance(_ err: rd_kafka_resp_err_t, _ list: UnsafeMutablePointer<rd_kafka_topic_partition_list_t>) {
        let handle = client.handle
        let partitions = PartitionList.entries(list).map(\.topicPartition)
        let cooperative = String(cString: rd_kafka_rebalance_protocol(handle)) == "COOPERATIVE"
        switch err {
        case RD_KAFKA_RESP_ERR__ASSIGN_PARTITIONS:
            assign(partitions, list, cooperative: cooperative)
        case RD_KAFKA_RESP_ERR__REVOKE_PARTITIONS:
            let lost = rd_kafka_assignment_lost(handle) != 0
            if !closing, let ticket = deliver(.revoked(partitions.sorted(), lost: lost), acknowledged: true) {
                awaitAcknowledgement(of: ticket, partitions: partitions)
            }
            if cooperative {
                if let error = rd_kafka_incremental_unassign(handle, list) {
                    reportRebalanceFailure(KafkaError.consuming(error))
                }
            } else {
                let result = rd_kafka_assign(handle, nil)
                if result != RD_KAFKA_RESP_ERR_NO_ERROR { reportRebalanceFailure(KafkaError(result)) }
            }
            control.withLock { control in
                if cooperative { control.assignment.subtract(partitions) } else { control.assignment.removeAll() }
            }
            logger.info("Kafka partitions revoked", metadata: ["kafka.partitions": "\(partitions.sorted())", "kafka.lost": "\(lost)"])
        default:
            // librdkafka's advice for rebalance errors: drop the assignment and let the group retry.
            _ = rd_kafka_assign(handle, nil)
            control.withLock { $0.assignment.removeAll() }
            reportRebalanceFailure(KafkaError(err))
        }
    }

    /// The partition's high watermark as the broker has it now, nil when it does not answer in
    /// time (then the stored offset stands: a broker that is merely slow must not cause a re-read).
    private func highWatermark(_ partition: TopicPartition) -> Int64? {
        try? KafkaWatermarks.query(client.handle, partition, timeoutMs: Self.seekTimeout).high
    }

    private func assign(_ partitions: [TopicPartition], _ list: UnsafeMutablePointer<rd_kafka_topic_partition_list_t>, cooperative: Bool) {
        let handle = client.handle
        let offsets: [TopicPartition: Int64]
        do {
            offsets = closing ? [:] : try startingOffsets(partitions)
        } catch {
            // Starting anywhere else could skip or repeat messages: stop and leave the group.
            fatalError = KafkaError(
                code: KafkaError.Code.startingOffsetsFailed,
                message: "could not read the starting offsets for \(partitions.sorted()): \(error)",
                isFatal: true
            )
            if !cooperative { _ = rd_kafka_assign(handle, nil) }
            return
        }
        if let elements = list.pointee.elems {
            for index in 0..<Int(list.pointee.cnt) {
                let topicPartition = TopicPartition(topic: String(cString: elements[index].topic), partition: elements[index].partition)
                var stored = offsets[topicPartition].flatMap { $0 >= 0 ? $0 : nil }
                if let next = stored, next > 0, let high = highWatermark(topicPartition), high < next {
                    // The log is shorter than what the application read: the broker came back
                    // empty, or the topic was deleted and created again. A broker that answers a
                    // fetch past the end with nothing (Tansu does, rather than OFFSET_OUT_OF_RANGE)
                    // would leave the consumer waiting there while every new message below the old
                    // offset went unread. An empty log is read from `auto.offset.reset` (there is
                    // nothing in it to read twice). A log with messages, but fewer, is only
                    // reported: Tansu has answered a high watermark below the truth for a log
                    // holding a large record, and reading such a log again would dead-letter its
                    // bad messages a second time.
                    if high == 0 {
                        logger.warning("Kafka partition's log is empty, below the offset to resume at (the broker came back empty or the topic was recreated); reading it from auto.offset.reset",
                                       metadata: ["kafka.partition": "\(topicPartition)", "kafka.resume_at": "\(next)", "kafka.high_watermark": "\(high)"])
                        stored = nil
                    } else {
                        logger.warning("Kafka partition's log ends below the offset to resume at; if the broker lost its data, the messages below that offset are not read (docs/operations.md, When the broker comes back empty)",
                                       metadata: ["kafka.partition": "\(topicPartition)", "kafka.resume_at": "\(next)", "kafka.high_watermark": "\(high)"])
                    }
                }
                elements[index].offset = stored ?? fallbackOffset
            }
        }
        if cooperative {
            if let error = rd_kafka_incremental_assign(handle, list) {
                reportRebalanceFailure(KafkaError.consuming(error))
                return
            }
        } else {
            let result = rd_kafka_assign(handle, list)
            if result != RD_KAFKA_RESP_ERR_NO_ERROR {
                reportRebalanceFailure(KafkaError(result))
                return
            }
        }
        control.withLock { control in
            if !cooperative { control.assignment.removeAll() }
            control.assignment.formUnion(partitions)
        }
        logger.info("Kafka partitions assigned", metadata: [
            "kafka.partitions": "\(partitions.sorted())",
            "kafka.starting_offsets": "\(offsets.sorted { $0.key < $1.key }.map { "\($0.key)@\($0.value)" })",
        ])
        if !closing { deliver(.assigned(partitions.sorted())) }
    }

    private func awaitAcknowledgement(of ticket: UInt64, partitions: [TopicPartition]) {
        let deadline = Date().addingTimeInterval(TimeInterval(options.revocationTimeout.kafkaMilliseconds) / 1000)
        while true {
            switch handoff.waitForAcknowledgement(of: ticket, until: deadline) {
            case .acknowledged, .closed:
                return
            case .interrupted:
                serviceSeeks()
            case .timedOut:
                logger.warning(
                    "Kafka revocation not acknowledged in time; releasing the partitions anyway",
                    metadata: ["kafka.partitions": "\(partitions.sorted())", "kafka.timeout": "\(options.revocationTimeout.kafkaDescription)"]
                )
                return
            }
        }
    }

    private func reportRebalanceFailure(_ error: KafkaError) {
        logger.error("Kafka rebalance step failed", metadata: ["kafka.error": "\(error)"])
        if !closing { deliver(.error(error)) }
    }

    // MARK: Seeks

    private func serviceSeeks() {
        let requests = control.withLock { control in
            defer { control.seeks.removeAll() }
            return control.seeks
        }
        for request in requests {
            let list = PartitionList.make(request.offsets)
            defer { rd_kafka_topic_partition_list_destroy(list) }
            let result: Result<Void, KafkaError>
            if let error = rd_kafka_seek_partitions(client.handle, list, Self.seekTimeout) {
                result = .failure(KafkaError.consuming(error))
            } else if let error = PartitionList.firstError(list) {
                result = .failure(error)
            } else {
                result = .success(())
            }
            let sought = Set(request.offsets.keys)
            soughtSincePoll.formUnion(sought)
            handoff.rewriteBuffered { event in
                guard case .messages(let batch) = event else { return event }
                let kept = batch.filter { !sought.contains($0.topicPartition) }
                return kept.isEmpty ? nil : .messages(kept)
            }
            request.done.complete(result)
        }
    }

    // MARK: Copying messages out

    private func copyMessage(_ message: UnsafeMutablePointer<rd_kafka_message_t>) -> KafkaMessage {
        let raw = message.pointee
        let topic = raw.rkt.map(topicName) ?? ""
        let value = Self.bytes(raw.payload, raw.len)
        let key = raw.key.map { Self.bytes($0, raw.key_len) }
        var headers: [(String, [UInt8])] = []
        var nativeHeaders: OpaquePointer?
        if rd_kafka_message_headers(message, &nativeHeaders) == RD_KAFKA_RESP_ERR_NO_ERROR, let nativeHeaders {
            var index = 0
            var name: UnsafePointer<CChar>?
            var headerValue: UnsafeRawPointer?
            var size = 0
            while rd_kafka_header_get_all(nativeHeaders, index, &name, &headerValue, &size) == RD_KAFKA_RESP_ERR_NO_ERROR {
                headers.append((name.map { String(cString: $0) } ?? "", Self.bytes(headerValue, size)))
                index += 1
            }
        }
        var timestampType = RD_KAFKA_TIMESTAMP_NOT_AVAILABLE
        let timestamp = rd_kafka_message_timestamp(message, &timestampType)
        return KafkaMessage(
            topic: topic, partition: raw.partition, offset: raw.offset, key: key, value: value,
            headers: headers, timestamp: timestamp >= 0 ? timestamp : nil
        )
    }

    /// One String per topic, not per message: compared by content, so a reused pointer can't lie.
    private func topicName(_ topic: OpaquePointer) -> String {
        let name = rd_kafka_topic_name(topic)!
        if topicNameCache.copy.withUnsafeBufferPointer({ strcmp($0.baseAddress!, name) }) == 0 {
            return topicNameCache.name
        }
        let length = strlen(name)
        topicNameCache = (Array(UnsafeBufferPointer(start: name, count: length + 1)), String(cString: name))
        return topicNameCache.name
    }

    private static func bytes(_ pointer: UnsafeRawPointer?, _ count: Int) -> [UInt8] {
        guard let pointer, count > 0 else { return [] }
        return [UInt8](unsafeUninitializedCapacity: count) { buffer, initialized in
            buffer.baseAddress!.initialize(from: pointer.assumingMemoryBound(to: UInt8.self), count: count)
            initialized = count
        }
    }

    // MARK: ClientEventHandler (called from inside the poll calls above)

    func clientError(_ error: KafkaError) {
        if error.code == "_FATAL" {
            fatalError = KafkaError.fatal(of: client.handle)
        } else {
            pendingErrors.append(error)
        }
    }

    func clientRebalance(_ err: rd_kafka_resp_err_t, _ partitions: UnsafeMutablePointer<rd_kafka_topic_partition_list_t>) {
        if closing {
            applyRebalance(err, partitions)
            return
        }
        pendingRebalances.append((err, rd_kafka_topic_partition_list_copy(partitions)))
        rd_kafka_yield(client.handle)  // return from the poll now; the group waits for our assign call
    }

    func clientOffsetCommit(_ err: rd_kafka_resp_err_t, _ offsets: UnsafeMutablePointer<rd_kafka_topic_partition_list_t>?) {
        let failure = err != RD_KAFKA_RESP_ERR_NO_ERROR ? KafkaError(err) : offsets.flatMap { PartitionList.firstError($0) }
        if let failure, failure.code != "_NO_OFFSET" {
            logger.warning("Kafka offset commit failed (the application's own offsets are unaffected)", metadata: ["kafka.error": "\(failure)"])
        }
    }
}
