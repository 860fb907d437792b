/// Why a batch of the outbox was not (fully) published, as far as the relay's health is concerned.
public enum RelayFailure: Sendable, Equatable {
    /// The producer reported a fatal error: it never delivers again.
    case fatal
    /// The broker no longer knows the producer's id or sequence (it restarted empty, or lost the
    /// partition's log): the idempotent producer retries forever with its old id.
    case unknownProducer
    /// Records expired in the producer (`_MSG_TIMED_OUT`, after `message.timeout.ms`).
    case timedOut
    /// No record of the batch got an answer for the relay's stall timeout.
    case stalled
    /// Anything else (broker briefly away, a topic missing, ...): retrying with the same producer
    /// may well succeed.
    case transient

    /// True for the kinds that a fresh producer (new connections, new producer id) can cure and
    /// the current one cannot.
    public var wedgesProducer: Bool { self != .transient }

    /// The failure behind a Kafka error code (`KafkaError.code`, librdkafka's names verbatim).
    public init(code: String, isFatal: Bool = false) {
        if isFatal || code == "_FATAL" {
            self = .fatal
        } else if Self.producerStateCodes.contains(code) {
            self = .unknownProducer
        } else if code == "_MSG_TIMED_OUT" || code == "_TIMED_OUT_QUEUE" {
            self = .timedOut
        } else {
            self = .transient
        }
    }

    /// The most serious of several failures (the batch's worst record decides).
    public static func worst(_ failures: [RelayFailure]) -> RelayFailure? {
        failures.max { $0.severity < $1.severity }
    }

    private var severity: Int {
        switch self {
        case .transient: 0
        case .timedOut: 1
        case .stalled: 2
        case .unknownProducer: 3
        case .fatal: 4
        }
    }

    /// Whether the broker (or librdkafka, before sending) refuses this one record whatever is
    /// retried: the same bytes get the same answer. The relay parks such a record (see
    /// `RefusedOutbox`) instead of retrying it for ever in front of everything else. A refusal of
    /// a whole topic (no such topic, not authorised) is not one of them: it is the operator's to
    /// fix, and every message waits for it.
    public static func refusesForGood(code: String) -> Bool {
        recordRefusalCodes.contains(code)
    }

    private static let recordRefusalCodes: Set<String> = [
        "MSG_SIZE_TOO_LARGE", "RECORD_LIST_TOO_LARGE", "INVALID_RECORD",
    ]

    private static let producerStateCodes: Set<String> = [
        "UNKNOWN_PRODUCER_ID", "OUT_OF_ORDER_SEQUENCE_NUMBER", "INVALID_PRODUCER_EPOCH",
        "INVALID_PRODUCER_ID_MAPPING", "_UNKNOWN_PRODUCER_ID", "_INCONSISTENT",
    ]
}
