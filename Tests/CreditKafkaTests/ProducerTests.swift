@testable import CreditKafka
import Foundation
import Synchronization
import Testing

@Suite("Idempotent producer with delivery reports", .timeLimit(.minutes(1)))
struct ProducerTests {
    private static func outgoing(_ topic: String, _ index: Int) -> OutgoingMessage {
        OutgoingMessage(
            topic: topic,
            key: Array("customer-\(index % 5)".utf8),
            value: Array("decision-\(index)".utf8),
            headers: [("ce_type", Array("credit.decision.\(index)".utf8)), ("binary", [0, 255, UInt8(index)])]
        )
    }

    @Test("a batch gets a report per record; keys, headers and values read back with kcat and the consumer")
    func deliveryReportsAndRoundTrip() async throws {
        try TestBroker.require()
        let topic = TestBroker.unique("produce")
        try await TestBroker.createTopic(topic, partitions: 3)
        let producer = try KafkaProducer(configuration: TestBroker.configuration(), logger: testLogger)

        var sent = (0..<30).map { Self.outgoing(topic, $0) }
        let results = await producer.sendBatch(sent)
        let reports = try results.map { try $0.get() }
        #expect(reports.count == 30)
        #expect(reports.allSatisfy { $0.topic == topic && (0..<3).contains($0.partition) })
        // Offsets per partition are exactly 0..<n: nothing lost, nothing written twice.
        for (_, offsets) in Dictionary(grouping: reports, by: \.partition).mapValues({ $0.map(\.offset).sorted() }) {
            #expect(offsets == Array(0..<Int64(offsets.count)))
        }
        // Same key, same partition.
        for (_, partitions) in Dictionary(grouping: zip(sent, reports), by: { $0.0.key! }).mapValues({ Set($0.map(\.1.partition)) }) {
            #expect(partitions.count == 1)
        }

        // Single sends, including a null key, an empty key and an explicit partition.
        let nullKey = OutgoingMessage(topic: topic, partition: 2, key: nil, value: Array("no key".utf8))
        let emptyKey = OutgoingMessage(topic: topic, partition: 2, key: [], value: Array("empty key".utf8), timestamp: 1_700_000_000_000)
        let nullKeyReport = try await producer.send(nullKey)
        let emptyKeyReport = try await producer.send(emptyKey)
        #expect(nullKeyReport.partition == 2)
        #expect(emptyKeyReport.offset == nullKeyReport.offset + 1)
        sent += [nullKey, emptyKey]
        try await producer.flush(timeout: .seconds(5))

        // Another client sees what the reports say.
        let envelopes = try await Kcat.consumeAll(topic: topic)
        #expect(envelopes.count == 32)
        for (message, report) in zip(sent, reports) {
            let envelope = try #require(envelopes.first {
                ($0["partition"] as? Int) == Int(report.partition) && ($0["offset"] as? Int) == Int(report.offset)
            })
            #expect(envelope["key"] as? String == String(decoding: message.key!, as: UTF8.self))
            #expect(envelope["payload"] as? String == String(decoding: message.value, as: UTF8.self))
            let headers = envelope["headers"] as? [String] ?? []
            #expect(headers.prefix(2) == ["ce_type", String(decoding: message.headers[0].1, as: UTF8.self)])
        }

        // And the Swift consumer reads back the exact bytes, binary headers and key kinds included.
        let consumer = try KafkaConsumer(
            configuration: TestBroker.consumerConfiguration(group: TestBroker.unique("produce-group")), topics: [topic],
            logger: testLogger
        ) { _ in [:] }
        let driver = ConsumerDriver(consumer)
        try await driver.waitForMessages(32)
        let received = Dictionary(uniqueKeysWithValues: driver.messages.map { (DeliveryReport(topic: $0.topic, partition: $0.partition, offset: $0.offset), $0) })
        for (message, report) in zip(sent, reports + [nullKeyReport, emptyKeyReport]) {
            let got = try #require(received[report])
            #expect(got.key == message.key)
            #expect(got.value == message.value)
            #expect(got.headers.map(\.0) == message.headers.map(\.0))
            #expect(got.headers.map(\.1) == message.headers.map(\.1))
        }
        #expect(received[emptyKeyReport]?.timestamp == 1_700_000_000_000)
        _ = await measureShutdown { () throws(KafkaError) in try await consumer.shutdown(timeout: .seconds(5)) }

        let (elapsed, error) = await measureShutdown { () throws(KafkaError) in try await producer.shutdown(timeout: .seconds(5)) }
        #expect(error == nil)
        #expect(elapsed < .seconds(10))
        await #expect(throws: KafkaError.self) { _ = try await producer.send(Self.outgoing(topic, 99)) }
    }

    @Test("a record for a topic that does not exist fails with librdkafka's code, the others succeed")
    func perRecordFailure() async throws {
        try TestBroker.require()
        let topic = TestBroker.unique("mixed")
        try await TestBroker.createTopic(topic, partitions: 1)
        var configuration = TestBroker.configuration()
        configuration.messageTimeout = .seconds(3)
        configuration["allow.auto.create.topics"] = "false"
        let producer = try KafkaProducer(configuration: configuration, logger: testLogger)
        let results = await producer.sendBatch([
            Self.outgoing(topic, 1),
            OutgoingMessage(topic: topic, partition: 7, key: nil, value: [1]),
            Self.outgoing(topic, 2),
        ])
        #expect(try results[0].get().offset == 0)
        #expect(try results[2].get().offset == 1)
        let failure = try #require(results[1].failure)
        #expect(failure.code == "_UNKNOWN_PARTITION", "\(failure)")
        try await producer.shutdown(timeout: .seconds(5))
    }

    @Test("statistics JSON arrives at the configured interval")
    func statistics() async throws {
        try TestBroker.require()
        let first = OneShot<String>()
        var configuration = TestBroker.configuration()
        configuration.statisticsInterval = .milliseconds(200)
        let producer = try KafkaProducer(
            configuration: configuration, options: KafkaProducerOptions(statistics: { first.complete($0) }), logger: testLogger
        )
        let json = try #require(await first.value(timeout: .seconds(5)), "no statistics within 5 s")
        let object = try #require(try JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any])
        #expect(object["type"] as? String == "producer")
        #expect((object["name"] as? String)?.hasPrefix("rdkafka#producer") == true)
        try await producer.shutdown(timeout: .seconds(5))
    }

    @Test("topics can be created through the admin API, and creating one twice says so")
    func topicCreation() async throws {
        try TestBroker.require()
        let topic = TestBroker.unique("admin")
        try await Kafka.createTopic(topic, partitions: 2, configuration: TestBroker.configuration())
        let again = await #expect(throws: KafkaError.self) {
            try await Kafka.createTopic(topic, partitions: 2, configuration: TestBroker.configuration())
        }
        #expect(again?.code == "TOPIC_ALREADY_EXISTS")
        let listing = try await Kcat.run(["-L", "-b", TestBroker.address, "-t", topic])
        #expect(listing.stdout.contains("with 2 partitions"), "\(listing.stdout)")
    }
}

extension Result {
    var failure: Failure? {
        if case .failure(let error) = self { error } else { nil }
    }
}
