import CreditKafka
import CreditTestSupport
import Foundation
import Synchronization
import Testing

@Suite("Reachability: a clear error, never a hang")
struct ConnectivityTests {
    private static let deadBroker = "127.0.0.1:1"

    @Test("the live broker answers a metadata request")
    func liveBroker() async throws {
        try TestBroker.require()
        let info = try await Kafka.checkConnectivity(TestBroker.configuration(), timeout: .seconds(5))
        #expect(!info.brokers.isEmpty)
        #expect(info.brokers.contains { "\($0.host):\($0.port)" == TestBroker.address })
    }

    @Test("an unreachable broker gives kafka_broker_unreachable naming it, within the timeout")
    func unreachableBroker() async throws {
        let clock = ContinuousClock()
        let started = clock.now
        let error = await #expect(throws: KafkaError.self) {
            _ = try await Kafka.checkConnectivity(KafkaConfiguration(bootstrapServers: Self.deadBroker), timeout: .seconds(2))
        }
        let elapsed = clock.now - started
        #expect(error?.code == KafkaError.Code.brokerUnreachable)
        #expect(error?.message.contains(Self.deadBroker) == true, "\(error?.message ?? "")")
        #expect(error?.isRetriable == true)
        #expect(elapsed < .seconds(4), "took \(elapsed)")
    }

    @Test("a consumer of an unreachable broker reports transport errors and still shuts down in bound")
    func consumerUnreachable() async throws {
        var configuration = KafkaConfiguration(bootstrapServers: Self.deadBroker)
        configuration.groupID = TestBroker.unique("dead-group")
        let consumer = try KafkaConsumer(configuration: configuration, topics: ["orders"], logger: testLogger) { _ in [:] }
        let driver = ConsumerDriver(consumer)
        try await driver.waitUntil("a transport error event", timeout: .seconds(5)) { log in
            log.contains { if case .error(let error) = $0.event { ["_TRANSPORT", "_ALL_BROKERS_DOWN"].contains(error.code) } else { false } }
        }
        #expect(driver.errors.allSatisfy { $0.isRetriable })
        let (elapsed, error) = await measureShutdown { () throws(KafkaError) in try await consumer.shutdown(timeout: .seconds(5)) }
        #expect(elapsed < .seconds(10), "shutdown with bound 5 s took \(elapsed)")
        #expect(error == nil || error?.code == KafkaError.Code.shutdownTimedOut)
        try await driver.waitForEnd(timeout: .seconds(5))
    }

    @Test("a producer of an unreachable broker: errors reported, send times out, shutdown purges in bound")
    func producerUnreachable() async throws {
        let errors = Mutex<[KafkaError]>([])
        let sawTransport = Waiter()
        var configuration = KafkaConfiguration(bootstrapServers: Self.deadBroker)
        configuration.messageTimeout = .milliseconds(1500)
        let producer = try KafkaProducer(
            configuration: configuration,
            options: KafkaProducerOptions(onError: { error in
                errors.withLock { $0.append(error) }
                if ["_TRANSPORT", "_ALL_BROKERS_DOWN"].contains(error.code) { sawTransport.finish(true) }
            }),
            logger: testLogger
        )
        let clock = ContinuousClock()
        let started = clock.now
        let timedOut = await #expect(throws: KafkaError.self) {
            _ = try await producer.send(OutgoingMessage(topic: "orders", key: Array("k".utf8), value: Array("v".utf8)))
        }
        #expect(timedOut?.code == "_MSG_TIMED_OUT")
        #expect(clock.now - started < .seconds(6))
        #expect(await sawTransport.result(timeout: .seconds(5)), "no transport error reported: \(errors.withLock { $0 })")

        // Records still queued at shutdown are purged and their senders answered.
        var patient = configuration
        patient.messageTimeout = .seconds(60)
        let stuck = try KafkaProducer(configuration: patient, logger: testLogger)
        let pending = await stuck.enqueue([OutgoingMessage(topic: "orders", key: nil, value: Array("v".utf8))])
        #expect(stuck.inFlightCount == 1)
        let (elapsed, shutdownError) = await measureShutdown { () throws(KafkaError) in try await stuck.shutdown(timeout: .seconds(2)) }
        // The bound is 2 s; the margin absorbs scheduling on a loaded 2-core CI machine.
        #expect(elapsed < .seconds(8), "shutdown with bound 2 s took \(elapsed)")
        #expect(shutdownError?.code == KafkaError.Code.shutdownTimedOut, "a purge must be reported: \(String(describing: shutdownError))")
        let purged = await pending.reports()[0].failure
        #expect(purged?.code.hasPrefix("_PURGE") == true, "\(String(describing: purged))")
        #expect(stuck.inFlightCount == 0)
        try await producer.shutdown(timeout: .seconds(5))
    }

    @Test("shutdown of a producer with a record in flight to a dead broker stays within its bound")
    func producerShutdownBound() async throws {
        let producer = try KafkaProducer(configuration: KafkaConfiguration(bootstrapServers: Self.deadBroker), logger: testLogger)
        let pending = await producer.enqueue([OutgoingMessage(topic: "orders", key: nil, value: [1])])
        let (elapsed, error) = await measureShutdown { () throws(KafkaError) in try await producer.shutdown(timeout: .seconds(3)) }
        #expect(elapsed < .seconds(6), "shutdown with bound 3 s took \(elapsed)")
        #expect(error?.code == KafkaError.Code.shutdownTimedOut)
        #expect(await pending.reports()[0].failure != nil, "the pending record must be answered (with an error)")
    }

    @Test("librdkafka's log lines reach swift-log with their facility and a mapped level")
    func logBridge() async throws {
        let records = LogCapture()
        let logger = records.logger()
        let producer = try KafkaProducer(configuration: KafkaConfiguration(bootstrapServers: Self.deadBroker), logger: logger)
        let connectFailure = await records.waitFor(timeout: .seconds(5)) { record in
            record.level == .error && record.message.contains("127.0.0.1:1") && record.metadata["kafka.facility"] != nil
        }
        #expect(connectFailure, "no error-level librdkafka line: \(records.all.map { "\($0.level) \($0.message)" })")
        #expect(records.all.contains { $0.metadata["kafka.client"]?.hasPrefix("rdkafka#producer") == true })
        try await producer.shutdown(timeout: .seconds(5))
    }
}

/// Times a shutdown; its error (if any) is returned with the time so bounds are checked either way.
func measureShutdown(_ body: () async throws(KafkaError) -> Void) async -> (elapsed: Duration, error: KafkaError?) {
    let clock = ContinuousClock()
    let started = clock.now
    do throws(KafkaError) {
        try await body()
        return (clock.now - started, nil)
    } catch {
        return (clock.now - started, error)
    }
}
