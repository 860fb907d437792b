@testable import CreditKafka
import Foundation
import Synchronization
import Testing

/// The application's offset store, as the daemon keeps it in SQLite: next offset per partition.
final class OffsetBook: Sendable {
    private let offsets = Mutex<[TopicPartition: Int64]>([:])
    private let lookups = Mutex<[[TopicPartition]]>([])

    func record(_ message: KafkaMessage) {
        offsets.withLock { $0[message.topicPartition] = message.nextOffset }
    }

    var all: [TopicPartition: Int64] { offsets.withLock { $0 } }
    /// Every partition list the consumer asked about, in order.
    var askedFor: [[TopicPartition]] { lookups.withLock { $0 } }

    /// The closure handed to `KafkaConsumer`.
    var startingOffsets: KafkaConsumer.StartingOffsets {
        { [self] partitions in
            lookups.withLock { $0.append(partitions) }
            let known = all
            return known.filter { partitions.contains($0.key) }
        }
    }
}

@Suite("Consumer group with application-managed offsets", .timeLimit(.minutes(1)))
struct ConsumerGroupTests {
    @Test("a new consumer resumes exactly after the application's last stored offset: no gap, no repeat")
    func resumeExactlyAfterStoredOffsets() async throws {
        try TestBroker.require()
        let topic = TestBroker.unique("resume")
        let group = TestBroker.unique("resume-group")
        try await TestBroker.createTopic(topic, partitions: 3)
        try await Kcat.produce(topic: topic, keyedLines: (0..<30).map { "customer-\($0 % 7):event-\($0)" })

        // First instance: applies 17 messages, whatever batches they came in, then stops.
        let book = OffsetBook()
        let applied = Mutex<[KafkaMessage]>([])
        let first = try KafkaConsumer(
            configuration: TestBroker.consumerConfiguration(group: group), topics: [topic],
            options: KafkaConsumerOptions(maxBatchSize: 5), logger: testLogger, startingOffsets: book.startingOffsets
        )
        let firstDriver = ConsumerDriver(first) { event in
            guard case .messages(let batch) = event else { return }
            for message in batch where applied.withLock({ $0.count < 17 }) {
                applied.withLock { $0.append(message) }
                book.record(message)
            }
        }
        try await firstDriver.waitUntil("17 applied messages") { _ in applied.withLock { $0.count } >= 17 }
        #expect(firstDriver.log.first.map { if case .assigned(let partitions) = $0.event { partitions.count } else { 0 } } == 3)
        #expect(book.askedFor.first?.count == 3, "the consumer must ask the application where to start")

        // Mirror to the broker for lag tools, and read it back.
        let stored = book.all
        try await first.commitAndWait(stored)
        let committed = try await first.committedOffsets(for: Array(stored.keys))
        #expect(committed == stored)

        // Lag: the high watermarks from the fetch responses against the application's offsets.
        var lag: Int64 = 0
        for partition in (0..<Int32(3)).map({ TopicPartition(topic: topic, partition: $0) }) {
            let cached = try #require(first.cachedWatermarks(for: partition))
            lag += cached.lag(nextOffset: stored[partition] ?? 0)
            // Asking the broker returns what it says; compared with kcat's own query (Tansu's
            // ListOffsets answer differs from the fetch high watermark, so not with `cached`).
            let queried = try await first.watermarks(for: partition)
            #expect(queried.high == (try await Kcat.endOffset(topic: topic, partition: partition.partition)))
        }
        #expect(lag == 13)

        let (elapsed, shutdownError) = await measureShutdown { () throws(KafkaError) in try await first.shutdown(timeout: .seconds(5)) }
        #expect(shutdownError == nil)
        #expect(elapsed < .seconds(10), "shutdown with bound 5 s took \(elapsed)")
        try await firstDriver.waitForEnd()

        // More traffic while nobody consumes.
        try await Kcat.produce(topic: topic, keyedLines: (30..<50).map { "customer-\($0 % 7):event-\($0)" })

        // Second instance, same group, offsets from the application's store only.
        let second = try KafkaConsumer(
            configuration: TestBroker.consumerConfiguration(group: group), topics: [topic],
            logger: testLogger, startingOffsets: book.startingOffsets
        )
        let secondDriver = ConsumerDriver(second) { event in
            guard case .messages(let batch) = event else { return }
            applied.withLock { $0.append(contentsOf: batch) }
            for message in batch { book.record(message) }
        }
        try await secondDriver.waitForMessages(33)
        let values = applied.withLock { $0 }.map { String(decoding: $0.value, as: UTF8.self) }
        #expect(values.count == 50, "applied \(values.count) messages")
        #expect(Set(values) == Set((0..<50).map { "event-\($0)" }), "gap or repeat across the restart")

        // The second instance started exactly where the store said, per partition.
        let resumed = Dictionary(grouping: secondDriver.messages, by: \.topicPartition).mapValues { $0.map(\.offset) }
        for (partition, offsets) in resumed {
            #expect(offsets.first == stored[partition] ?? 0, "\(partition) resumed at \(offsets.first ?? -1), stored \(stored[partition] ?? 0)")
            #expect(offsets == Array(offsets[0]..<(offsets[0] + Int64(offsets.count))), "\(partition) offsets not contiguous")
        }
        _ = await measureShutdown { () throws(KafkaError) in try await second.shutdown(timeout: .seconds(5)) }

        // The broker's committed offsets do not decide where we start: an empty store starts at
        // auto.offset.reset (earliest) although the group has commits.
        let fresh = OffsetBook()
        let third = try KafkaConsumer(
            configuration: TestBroker.consumerConfiguration(group: group), topics: [topic],
            logger: testLogger, startingOffsets: fresh.startingOffsets
        )
        let thirdDriver = ConsumerDriver(third)
        try await thirdDriver.waitForMessages(50)
        #expect(Set(thirdDriver.messages.map(\.offset)).contains(0))
        #expect(thirdDriver.messages.count == 50)
        _ = await measureShutdown { () throws(KafkaError) in try await third.shutdown(timeout: .seconds(5)) }
    }

    @Test("assignment and revocation are reported, and a revocation waits for the application")
    func assignmentAndRevocation() async throws {
        try TestBroker.require()
        let topic = TestBroker.unique("rebalance")
        let group = TestBroker.unique("rebalance-group")
        try await TestBroker.createTopic(topic, partitions: 4)
        let clock = ContinuousClock()
        let acknowledgedAt = Mutex<ContinuousClock.Instant?>(nil)
        let holdRevocation = Duration.seconds(5)

        let first = try KafkaConsumer(
            configuration: TestBroker.consumerConfiguration(group: group, ["max.poll.interval.ms": "10000"]), topics: [topic],
            options: KafkaConsumerOptions(revocationTimeout: .seconds(8)), logger: testLogger
        ) { _ in [:] }
        // The first member takes its time to "commit" on revocation: the hold is the behaviour under
        // test, not a way to wait for something. It is longer than Tansu needs to rebalance (about
        // 3 s), so partitions released early would reach the second member during the hold.
        let firstDriver = ConsumerDriver(first) { event in
            guard case .revoked = event, acknowledgedAt.withLock({ $0 }) == nil else { return }
            try? await Task.sleep(for: holdRevocation)
            acknowledgedAt.withLock { $0 = clock.now }
        }
        try await firstDriver.waitUntil("the first member owns all 4 partitions") { log in
            log.contains { if case .assigned(let partitions) = $0.event { partitions.count == 4 } else { false } }
        }
        #expect(first.assignment.count == 4)

        let second = try KafkaConsumer(
            configuration: TestBroker.consumerConfiguration(group: group, ["max.poll.interval.ms": "10000"]), topics: [topic], logger: testLogger
        ) { _ in [:] }
        let secondDriver = ConsumerDriver(second)
        try await secondDriver.waitUntil("the second member gets partitions") { log in
            log.contains { if case .assigned = $0.event { true } else { false } }
        }
        try await firstDriver.waitUntil("the first member is reassigned after revoking") { log in
            guard let revoked = log.firstIndex(where: { if case .revoked = $0.event { true } else { false } }) else { return false }
            return log[(revoked + 1)...].contains { if case .assigned = $0.event { true } else { false } }
        }

        let revocation = try #require(firstDriver.log.first { if case .revoked = $0.event { true } else { false } })
        guard case .revoked(let revoked, let lost) = revocation.event else { return }
        #expect(revoked.count == 4)
        #expect(!lost)
        let secondAssigned = try #require(secondDriver.log.first { if case .assigned = $0.event { true } else { false } })
        let acknowledged = try #require(acknowledgedAt.withLock { $0 })
        #expect(
            secondAssigned.at > acknowledged,
            "the partitions moved before the first member finished with them"
        )

        guard case .assigned(let secondShare) = secondAssigned.event,
              case .assigned(let firstShare)? = firstDriver.log.last(where: { if case .assigned = $0.event { true } else { false } })?.event
        else { return }
        #expect(Set(firstShare).isDisjoint(with: secondShare))
        #expect(Set(firstShare).union(secondShare) == Set((0..<4).map { TopicPartition(topic: topic, partition: $0) }))
        #expect(Set(first.assignment) == Set(firstShare))

        // When the second member leaves, its partitions come back to the first.
        _ = await measureShutdown { () throws(KafkaError) in try await second.shutdown(timeout: .seconds(5)) }
        try await firstDriver.waitUntil("the first member owns all 4 partitions again") { log in
            log.filter { if case .assigned(let partitions) = $0.event { partitions.count == 4 } else { false } }.count >= 2
        }
        _ = await measureShutdown { () throws(KafkaError) in try await first.shutdown(timeout: .seconds(5)) }
    }

    @Test("with cooperative-sticky assignment only the moved partitions are revoked")
    func cooperativeRebalance() async throws {
        try TestBroker.require()
        let topic = TestBroker.unique("cooperative")
        let group = TestBroker.unique("cooperative-group")
        try await TestBroker.createTopic(topic, partitions: 4)
        let configuration = TestBroker.consumerConfiguration(group: group, ["partition.assignment.strategy": "cooperative-sticky"])
        let first = try KafkaConsumer(configuration: configuration, topics: [topic], logger: testLogger) { _ in [:] }
        let firstDriver = ConsumerDriver(first)
        try await firstDriver.waitUntil("the first member owns all 4 partitions") { log in
            log.contains { if case .assigned(let partitions) = $0.event { partitions.count == 4 } else { false } }
        }
        let second = try KafkaConsumer(configuration: configuration, topics: [topic], logger: testLogger) { _ in [:] }
        let secondDriver = ConsumerDriver(second)
        try await secondDriver.waitUntil("the second member gets partitions") { log in
            log.contains { if case .assigned(let partitions) = $0.event { !partitions.isEmpty } else { false } }
        }
        let revoked = firstDriver.log.flatMap { recorded -> [TopicPartition] in
            if case .revoked(let partitions, _) = recorded.event { return partitions }
            return []
        }
        let secondShare = secondDriver.log.flatMap { recorded -> [TopicPartition] in
            if case .assigned(let partitions) = recorded.event { return partitions }
            return []
        }
        #expect(!revoked.isEmpty && revoked.count < 4, "cooperative revocation should move a subset, revoked \(revoked)")
        #expect(Set(revoked) == Set(secondShare))
        #expect(Set(first.assignment).isDisjoint(with: secondShare))
        #expect(Set(first.assignment).union(secondShare).count == 4)
        _ = await measureShutdown { () throws(KafkaError) in try await second.shutdown(timeout: .seconds(5)) }
        _ = await measureShutdown { () throws(KafkaError) in try await first.shutdown(timeout: .seconds(5)) }
    }

    @Test("batches respect their bound, end of partition is reported, and seek re-reads from the offset")
    func batchesEndOfPartitionAndSeek() async throws {
        try TestBroker.require()
        let topic = TestBroker.unique("seek")
        try await TestBroker.createTopic(topic, partitions: 1)
        try await Kcat.produce(topic: topic, keyedLines: (0..<10).map { "k:m-\($0)" })
        let partition = TopicPartition(topic: topic, partition: 0)

        let consumer = try KafkaConsumer(
            configuration: TestBroker.consumerConfiguration(group: TestBroker.unique("seek-group"), ["enable.partition.eof": "true"]),
            topics: [topic], options: KafkaConsumerOptions(maxBatchSize: 4), logger: testLogger
        ) { _ in [:] }
        let driver = ConsumerDriver(consumer)
        try await driver.waitUntil("end of partition at 10") { log in
            log.contains { if case .endOfPartition(let tp, let next) = $0.event { tp == partition && next == 10 } else { false } }
        }
        let batches = driver.log.compactMap { if case .messages(let batch) = $0.event { batch.count } else { nil } }
        #expect(driver.messages.map(\.offset) == Array(0..<10))
        #expect(batches.allSatisfy { $0 <= 4 }, "batch sizes \(batches)")
        #expect(batches.contains { $0 > 1 }, "messages already fetched should arrive together: \(batches)")
        #expect(driver.messages.allSatisfy { $0.timestamp != nil && $0.key == Array("k".utf8) })

        try await consumer.seek([partition: 3])
        try await driver.waitForMessages(17)
        #expect(driver.messages.suffix(7).map(\.offset) == Array(3..<10))
        #expect(consumer.cachedWatermarks(for: partition)?.high == 10)

        _ = await measureShutdown { () throws(KafkaError) in try await consumer.shutdown(timeout: .seconds(5)) }
        await #expect(throws: KafkaError.self) { try await consumer.seek([partition: 0]) }
    }

    @Test("a seek drops the partition's messages already waiting in the buffer or in hand")
    func seekDropsBufferedMessages() async throws {
        try TestBroker.require()
        let topic = TestBroker.unique("seek-buffer")
        try await TestBroker.createTopic(topic, partitions: 1)
        try await Kcat.produce(topic: topic, keyedLines: (0..<10).map { "k:m-\($0)" })
        let partition = TopicPartition(topic: topic, partition: 0)
        let firstBatch = OneShot<Void>()
        let release = OneShot<Void>()

        // Batches of 2 and room for one: while the application sits on its first batch, the next
        // waits in the buffer and the one after in the polling thread's hands.
        let consumer = try KafkaConsumer(
            configuration: TestBroker.consumerConfiguration(group: TestBroker.unique("seek-buffer-group")), topics: [topic],
            options: KafkaConsumerOptions(maxBatchSize: 2, bufferedBatches: 1), logger: testLogger
        ) { _ in [:] }
        let driver = ConsumerDriver(consumer) { event in
            guard case .messages = event, firstBatch.complete(()) else { return }
            await release.value
        }
        try #require(await firstBatch.value(timeout: .seconds(20)) != nil, "no first batch")
        try await consumer.seek([partition: 0])
        release.complete(())
        try await driver.waitForMessages(12)
        #expect(driver.messages.map(\.offset) == [0, 1] + Array(0..<10), "stale messages after the seek")
        _ = await measureShutdown { () throws(KafkaError) in try await consumer.shutdown(timeout: .seconds(5)) }
    }

    @Test("a paused partition delivers nothing until resumed, then goes on with no gap and no repeat; quiet polls send idle events")
    func pauseResumeAndIdleEvents() async throws {
        try TestBroker.require()
        let topic = TestBroker.unique("pause")
        try await TestBroker.createTopic(topic, partitions: 1)
        try await Kcat.produce(topic: topic, keyedLines: (0..<5).map { "k:m-\($0)" })
        let partition = TopicPartition(topic: topic, partition: 0)
        let consumer = try KafkaConsumer(
            configuration: TestBroker.consumerConfiguration(group: TestBroker.unique("pause-group")), topics: [topic],
            options: KafkaConsumerOptions(maxBatchSize: 100, idleEvents: .milliseconds(20)), logger: testLogger
        ) { _ in [:] }
        let driver = ConsumerDriver(consumer)
        try await driver.waitForMessages(5)
        try consumer.pause([partition])
        try await Kcat.produce(topic: topic, keyedLines: (5..<10).map { "k:m-\($0)" })
        // Idle events keep coming while nothing arrives: a second or more of them after the
        // produce, time enough for an unpaused partition to deliver several times over.
        let idleCount: @Sendable ([ConsumerDriver.Recorded]) -> Int = { log in log.filter { if case .idle = $0.event { true } else { false } }.count }
        let before = idleCount(driver.log)
        try await driver.waitUntil("50 idle events while paused") { idleCount($0) >= before + 50 }
        #expect(driver.messages.count == 5, "a paused partition delivered messages")
        try consumer.resume([partition])
        try await driver.waitForMessages(10)
        #expect(driver.messages.map(\.offset) == Array(0..<10))
        _ = await measureShutdown { () throws(KafkaError) in try await consumer.shutdown(timeout: .seconds(5)) }
    }

    @Test("a failing offset store stops the consumer with a fatal error instead of guessing")
    func startingOffsetsFailure() async throws {
        try TestBroker.require()
        let topic = TestBroker.unique("store-down")
        try await TestBroker.createTopic(topic, partitions: 1)
        struct StoreDown: Error {}
        let consumer = try KafkaConsumer(
            configuration: TestBroker.consumerConfiguration(group: TestBroker.unique("store-down-group")), topics: [topic],
            logger: testLogger
        ) { _ in throw StoreDown() }
        let driver = ConsumerDriver(consumer)
        try await driver.waitForEnd(timeout: .seconds(20))
        #expect(driver.failure?.code == KafkaError.Code.startingOffsetsFailed)
        #expect(driver.failure?.isFatal == true)
        #expect(driver.messages.isEmpty)
        _ = await measureShutdown { () throws(KafkaError) in try await consumer.shutdown(timeout: .seconds(5)) }
    }
}
