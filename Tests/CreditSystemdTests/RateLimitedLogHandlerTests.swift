import CreditSystemd
import Logging
import Synchronization
import Testing

@Suite struct RateLimitedLogHandlerTests {
    /// A clock the test moves by hand.
    final class ManualClock: Sendable {
        private let current = Mutex(Duration.zero)
        var now: Duration { current.withLock { $0 } }
        func advance(by step: Duration) { current.withLock { $0 += step } }
    }

    @Test func dropsRoutineLinesOverBudgetAndSummarisesThemLater() {
        let clock = ManualClock()
        let gate = LogRateGate(
            configuration: .init(messages: 1, per: .seconds(1), burst: 2, summaryInterval: .seconds(5)),
            now: { clock.now }
        )
        let capture = LogCapture()
        let logger = Logger(label: "creditd.kafka") { label in
            RateLimitedLogHandler(label: label, inner: CapturingLogHandler(capture: capture), gate: gate)
        }
        for index in 1...5 { logger.info("routine \(index)") }
        logger.error("broker unreachable")
        #expect(capture.messages == ["routine 1", "routine 2", "broker unreachable"])

        clock.advance(by: .seconds(6))
        logger.info("routine 6")
        #expect(capture.messages.suffix(2) == ["suppressed 3 info messages from creditd.kafka", "routine 6"])
        let summary = capture.events[capture.events.count - 2]
        #expect(summary.level == .notice)
        #expect(summary.metadata?["suppressed_count"] == "3")
    }

    @Test func handlerCopiesShareOneBudget() {
        let gate = LogRateGate(configuration: .init(messages: 1, per: .seconds(60), burst: 1, summaryInterval: .seconds(60)), now: { .zero })
        let capture = LogCapture()
        let first = Logger(label: "l") { RateLimitedLogHandler(label: $0, inner: CapturingLogHandler(capture: capture), gate: gate) }
        var second = first
        second[metadataKey: "copy"] = "yes"
        first.info("one")
        second.info("two")
        #expect(capture.messages == ["one"])
        gate.reportSuppressed(to: first)
        #expect(capture.messages == ["one", "suppressed 1 info message from l"])
    }

    @Test func forwardsLevelAndMetadataToTheInnerHandler() {
        let gate = LogRateGate(configuration: .routine, now: { .zero })
        var handler = RateLimitedLogHandler(label: "l", inner: CapturingLogHandler(capture: LogCapture()), gate: gate)
        handler.logLevel = .warning
        handler[metadataKey: "instance"] = "creditd-1"
        #expect(handler.inner.logLevel == .warning)
        #expect(handler.inner.metadata["instance"] == "creditd-1")
    }
}
