import CreditKafka
import Foundation
import Testing

/// Waiting for delivery reports with a bound: the relay must notice a producer that makes no
/// progress, and stop waiting at shutdown, without a broker answering.
@Suite("Bounded waits for delivery reports", .timeLimit(.minutes(1)))
struct BoundedDeliveryTests {
    /// A producer whose broker never answers (nothing listens on port 1).
    private func unreachableProducer() throws -> KafkaProducer {
        var configuration = KafkaConfiguration(bootstrapServers: "127.0.0.1:1")
        configuration.messageTimeout = .seconds(60)
        return try KafkaProducer(configuration: configuration, logger: testLogger)
    }

    private let record = OutgoingMessage(topic: "bounded-wait", key: nil, value: Array("x".utf8))

    @Test("the wait gives up after its timeout while the records stay in flight, and they get an answer at shutdown")
    func timeoutThenPurge() async throws {
        let producer = try unreachableProducer()
        let pending = await producer.enqueue([record, record])
        let started = ContinuousClock.now
        let early = await pending.reports(timeout: .milliseconds(300))
        #expect(early == nil)
        #expect(ContinuousClock.now - started < .seconds(5))
        #expect(pending.answeredCount == 0)
        #expect(producer.inFlightCount == 2)
        #expect(producer.fatalError == nil, "an unreachable broker is not a fatal error")

        await #expect(throws: KafkaError.self) { try await producer.shutdown(timeout: .seconds(1)) }
        let results = try #require(await pending.reports(timeout: .seconds(5)), "every record is answered at shutdown")
        #expect(results.count == 2)
        #expect(results.allSatisfy { $0.failure?.code.hasPrefix("_PURGE") == true }, "\(results)")
        #expect(pending.answeredCount == 2)
    }

    @Test("cancelling the waiting task ends the wait at once")
    func cancellation() async throws {
        let producer = try unreachableProducer()
        let pending = await producer.enqueue([record])
        let started = ContinuousClock.now
        let waiter = Task { await pending.reports(timeout: .seconds(30)) }
        try await Task.sleep(for: .milliseconds(200))
        waiter.cancel()
        let value = await waiter.value
        #expect(value == nil)
        #expect(ContinuousClock.now - started < .seconds(5))
        try? await producer.shutdown(timeout: .seconds(1))
    }
}
