internal import CRDKafka

/// A Kafka failure as a value: a stable `code` that logs, metrics and runbooks can key on, the
/// human message, and whether waiting or restarting can help.
///
/// Codes come from two places and never collide:
/// - librdkafka's own error names, verbatim from `rd_kafka_err2name` (`_ALL_BROKERS_DOWN`,
///   `_MSG_TIMED_OUT`, `TOPIC_ALREADY_EXISTS`, ...). They are upstream's stable identifiers.
/// - this layer's codes, lower case with a `kafka_` prefix (see ``KafkaError/Code``).
public struct KafkaError: Error, Sendable, Hashable, CustomStringConvertible {
    /// This layer's own codes, for failures librdkafka does not name itself.
    public enum Code {
        /// A property librdkafka rejects, or one this layer must control (see `property`).
        public static let invalidConfiguration = "kafka_invalid_configuration"
        /// No broker answered at the bootstrap servers within the timeout.
        public static let brokerUnreachable = "kafka_broker_unreachable"
        /// An operation did not finish within the time the caller gave it.
        public static let timedOut = "kafka_timed_out"
        /// `shutdown(timeout:)` gave up waiting; librdkafka keeps closing in the background.
        public static let shutdownTimedOut = "kafka_shutdown_timed_out"
        /// The client is shutting down or shut down; nothing more can be done with it.
        public static let closed = "kafka_closed"
        /// The application's starting-offsets closure threw; consuming without them could skip or repeat.
        public static let startingOffsetsFailed = "kafka_starting_offsets_failed"
    }

    public let code: String
    public let message: String
    /// The client cannot continue (e.g. an idempotent producer lost its guarantee); recreate it.
    public let isFatal: Bool
    /// The same operation may succeed later without any change (broker down, leader moving...).
    public let isRetriable: Bool
    /// The librdkafka property at fault, for configuration errors.
    public let property: String?
    /// The partition the error is about, when librdkafka says.
    public let topicPartition: TopicPartition?

    public init(
        code: String, message: String, isFatal: Bool = false, isRetriable: Bool = false,
        property: String? = nil, topicPartition: TopicPartition? = nil
    ) {
        self.code = code
        self.message = message
        self.isFatal = isFatal
        self.isRetriable = isRetriable
        self.property = property
        self.topicPartition = topicPartition
    }

    public var description: String {
        var text = "\(code): \(message)"
        if let topicPartition { text += " [\(topicPartition)]" }
        return text
    }
}

extension KafkaError {
    /// A librdkafka response code; `detail` replaces librdkafka's generic text when it says more.
    init(_ err: rd_kafka_resp_err_t, detail: String? = nil, topicPartition: TopicPartition? = nil, isFatal: Bool = false) {
        let name = String(cString: rd_kafka_err2name(err))
        let generic = String(cString: rd_kafka_err2str(err))
        let message = detail.map { $0.isEmpty ? generic : $0 } ?? generic
        self.init(
            code: name, message: message, isFatal: isFatal || err == RD_KAFKA_RESP_ERR__FATAL,
            isRetriable: Self.retriable.contains(err.rawValue), topicPartition: topicPartition
        )
    }

    /// Takes ownership of an `rd_kafka_error_t` (destroys it), which carries its own classification.
    static func consuming(_ error: OpaquePointer) -> KafkaError {
        defer { rd_kafka_error_destroy(error) }
        return KafkaError(
            code: String(cString: rd_kafka_error_name(error)),
            message: String(cString: rd_kafka_error_string(error)),
            isFatal: rd_kafka_error_is_fatal(error) != 0,
            isRetriable: rd_kafka_error_is_retriable(error) != 0
        )
    }

    /// The real cause behind a `_FATAL` notification.
    static func fatal(of handle: OpaquePointer) -> KafkaError {
        var buffer = [CChar](repeating: 0, count: 512)
        let err = rd_kafka_fatal_error(handle, &buffer, buffer.count)
        return KafkaError(err, detail: String(errorBuffer: buffer), isFatal: true)
    }

    static func closed(_ what: String) -> KafkaError {
        KafkaError(code: Code.closed, message: "the Kafka \(what) is shut down or shutting down")
    }

    static func timedOut(_ what: String, after timeout: Duration) -> KafkaError {
        KafkaError(code: Code.timedOut, message: "\(what) did not finish within \(timeout.kafkaDescription)", isRetriable: true)
    }

    /// Response codes that describe a passing condition rather than a wrong request.
    private static let retriable: Set<rd_kafka_resp_err_t.RawValue> = [
        RD_KAFKA_RESP_ERR__TRANSPORT, RD_KAFKA_RESP_ERR__ALL_BROKERS_DOWN, RD_KAFKA_RESP_ERR__RESOLVE,
        RD_KAFKA_RESP_ERR__TIMED_OUT, RD_KAFKA_RESP_ERR__TIMED_OUT_QUEUE, RD_KAFKA_RESP_ERR__MSG_TIMED_OUT,
        RD_KAFKA_RESP_ERR__QUEUE_FULL, RD_KAFKA_RESP_ERR__WAIT_COORD, RD_KAFKA_RESP_ERR__IN_PROGRESS,
        RD_KAFKA_RESP_ERR__RETRY, RD_KAFKA_RESP_ERR__ISR_INSUFF, RD_KAFKA_RESP_ERR__PURGE_QUEUE,
        RD_KAFKA_RESP_ERR__PURGE_INFLIGHT, RD_KAFKA_RESP_ERR__MAX_POLL_EXCEEDED,
        RD_KAFKA_RESP_ERR_REQUEST_TIMED_OUT, RD_KAFKA_RESP_ERR_NETWORK_EXCEPTION,
        RD_KAFKA_RESP_ERR_LEADER_NOT_AVAILABLE, RD_KAFKA_RESP_ERR_NOT_LEADER_FOR_PARTITION,
        RD_KAFKA_RESP_ERR_BROKER_NOT_AVAILABLE, RD_KAFKA_RESP_ERR_COORDINATOR_LOAD_IN_PROGRESS,
        RD_KAFKA_RESP_ERR_COORDINATOR_NOT_AVAILABLE, RD_KAFKA_RESP_ERR_NOT_COORDINATOR,
        RD_KAFKA_RESP_ERR_REBALANCE_IN_PROGRESS, RD_KAFKA_RESP_ERR_NOT_ENOUGH_REPLICAS,
        RD_KAFKA_RESP_ERR_NOT_ENOUGH_REPLICAS_AFTER_APPEND, RD_KAFKA_RESP_ERR_UNKNOWN_TOPIC_OR_PART,
        RD_KAFKA_RESP_ERR_KAFKA_STORAGE_ERROR, RD_KAFKA_RESP_ERR_FETCH_SESSION_ID_NOT_FOUND,
        RD_KAFKA_RESP_ERR_THROTTLING_QUOTA_EXCEEDED,
    ].reduce(into: []) { $0.insert($1.rawValue) }
}
