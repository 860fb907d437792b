import CreditDaemon
import Testing

/// The relay's decision to keep, back off or replace its producer, without a broker.
@Suite struct RelayHealthTests {
    struct Classification: Sendable, CustomTestStringConvertible {
        let code: String
        let isFatal: Bool
        let expected: RelayFailure
        var testDescription: String { "\(code)\(isFatal ? " (fatal)" : "") -> \(expected)" }
    }

    @Test(arguments: [
        Classification(code: "UNKNOWN_PRODUCER_ID", isFatal: false, expected: .unknownProducer),
        Classification(code: "OUT_OF_ORDER_SEQUENCE_NUMBER", isFatal: false, expected: .unknownProducer),
        Classification(code: "INVALID_PRODUCER_EPOCH", isFatal: false, expected: .unknownProducer),
        Classification(code: "_MSG_TIMED_OUT", isFatal: false, expected: .timedOut),
        Classification(code: "_FATAL", isFatal: false, expected: .fatal),
        Classification(code: "_ALL_BROKERS_DOWN", isFatal: true, expected: .fatal),
        Classification(code: "_ALL_BROKERS_DOWN", isFatal: false, expected: .transient),
        Classification(code: "UNKNOWN_TOPIC_OR_PART", isFatal: false, expected: .transient),
        Classification(code: "_PURGE_QUEUE", isFatal: false, expected: .transient),
    ])
    func errorCodesAreClassified(_ row: Classification) {
        #expect(RelayFailure(code: row.code, isFatal: row.isFatal) == row.expected)
    }

    /// A record the broker refuses whatever is retried is parked; a topic-wide or passing
    /// problem is not (every message waits for its cure).
    @Test(arguments: [
        ("MSG_SIZE_TOO_LARGE", true), ("RECORD_LIST_TOO_LARGE", true), ("INVALID_RECORD", true),
        ("UNKNOWN_TOPIC_OR_PART", false), ("TOPIC_AUTHORIZATION_FAILED", false), ("_MSG_TIMED_OUT", false),
        ("NOT_LEADER_FOR_PARTITION", false), ("CORRUPT_MESSAGE", false), ("UNKNOWN_PRODUCER_ID", false),
    ])
    func recordRefusalsAreToldFromRetriableFailures(_ code: String, _ forGood: Bool) {
        #expect(RelayFailure.refusesForGood(code: code) == forGood)
    }

    @Test func theWorstFailureOfABatchDecides() {
        #expect(RelayFailure.worst([.transient, .timedOut, .transient]) == .timedOut)
        #expect(RelayFailure.worst([.timedOut, .unknownProducer, .stalled]) == .unknownProducer)
        #expect(RelayFailure.worst([.fatal, .unknownProducer]) == .fatal)
        #expect(RelayFailure.worst([]) == nil)
    }

    @Test(arguments: [RelayFailure.fatal, .unknownProducer, .timedOut, .stalled])
    func aWedgingFailureReplacesTheProducerAtOnce(failure: RelayFailure) {
        var health = RelayHealth()
        #expect(health.recordFailure(failure) == .replaceProducer)
        #expect(health.replacements == 1)
        #expect(health.consecutiveFailures == 0)
    }

    @Test func transientFailuresBackOffThenReplaceAfterTheLimit() {
        var health = RelayHealth(replaceAfterFailures: 5, maximumBackoff: .seconds(5))
        let actions = (0..<5).map { _ in health.recordFailure(.transient) }
        #expect(actions == [.backoff(.milliseconds(200)), .backoff(.milliseconds(400)), .backoff(.milliseconds(800)),
                            .backoff(.milliseconds(1600)), .replaceProducer])
        // The count starts again with the new producer.
        #expect(health.recordFailure(.transient) == .backoff(.milliseconds(200)))
    }

    @Test func theBackoffIsCapped() {
        var health = RelayHealth(replaceAfterFailures: 100, maximumBackoff: .seconds(5))
        var last = RelayAction.keep
        for _ in 0..<20 { last = health.recordFailure(.transient) }
        #expect(last == .backoff(.seconds(5)))
    }

    @Test func aPublishedBatchResetsEverything() {
        var health = RelayHealth(replaceAfterFailures: 3)
        _ = health.recordFailure(.stalled)
        _ = health.recordFailure(.transient)
        _ = health.recordFailure(.transient)
        #expect(health.replacements == 1 && health.consecutiveFailures == 2)
        #expect(health.recordSuccess() == .keep)
        #expect(health.replacements == 0 && health.consecutiveFailures == 0)
        // Two more transient failures are not enough to replace again.
        #expect(health.recordFailure(.transient) != .replaceProducer)
        #expect(health.recordFailure(.transient) != .replaceProducer)
        #expect(health.recordFailure(.transient) == .replaceProducer)
    }
}
