import CreditCore
import CreditKafka
import CreditStore
import Foundation
import Logging
import Testing
@testable import CreditDaemon

/// A consumer error leaves `/readyz` saying the broker is unreachable; on a quiet topic no batch
/// comes to say otherwise, so the consume service asks the broker itself (a metadata round trip
/// with the real consumer) and clears the problem when it answers, and only then.
@Suite struct BrokerProbeTests {
    func service(bootstrap: String, folder: URL, status: DaemonStatus) throws -> ConsumeService {
        var config = DaemonConfig()
        config.bootstrapServers = bootstrap
        config.groupId = TestBroker.uniquePrefix("probe")
        config.topics.orders = config.groupId + "-orders"
        config.topics.shipments = config.groupId + "-shipments"
        config.topics.payments = config.groupId + "-payments"
        config.databasePath = folder.appendingPathComponent("probe.sqlite").path
        let database = try CreditDatabase(path: config.databasePath, durability: .normal)
        let logger = Logger(label: "probe-test")
        let consumer = try ConsumeService.makeConsumer(config: config, database: database, logger: logger)
        let processor = BatchProcessor(database: database, config: config, policy: Policy(version: "probe", currency: Currency(code: "EUR")!),
                                       policySource: nil)
        return ConsumeService(consumer: consumer, processor: processor, status: status, doorbell: RelayDoorbell(), logger: logger)
    }

    /// Checks the broker first: every test here talks to it.
    func scratchFolder(_ name: String) throws -> URL {
        try TestBroker.require()
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("creditd-\(name)-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        return folder
    }

    @Test func aProblemClearsWhenTheBrokerAnswersAndStaysWhenItDoesNot() async throws {
        let folder = try scratchFolder("probe")
        defer { try? FileManager.default.removeItem(at: folder) }

        let reachable = DaemonStatus(policyVersion: "probe")
        reachable.brokerProblem("1/1 brokers are down", fromConsumer: true)
        let up = try service(bootstrap: TestBroker.address, folder: folder, status: reachable)
        let probing = Task { await up.probeBroker(every: .milliseconds(200)) }
        defer { probing.cancel() }
        let deadline = ContinuousClock.now + .seconds(20)
        while reachable.brokerProblemText != nil && ContinuousClock.now < deadline { try await Task.sleep(for: .milliseconds(50)) }
        #expect(reachable.brokerProblemText == nil, "the broker answers but the problem stays")

        // The watchdog's evidence that the poll thread turns while the loop waits (LoopHealth).
        let polled = up.consumer.lastPoll
        try await Task.sleep(for: .milliseconds(700))
        #expect(up.consumer.lastPoll > polled, "the poll thread returns at least every 250 ms")

        // Nothing listens on port 9: the problem must stay however long the probe runs.
        let unreachable = DaemonStatus(policyVersion: "probe")
        unreachable.brokerProblem("1/1 brokers are down", fromConsumer: true)
        let other = folder.appendingPathComponent("unreachable")
        try FileManager.default.createDirectory(at: other, withIntermediateDirectories: true)
        let down = try service(bootstrap: "127.0.0.1:9", folder: other, status: unreachable)
        let failing = Task { await down.probeBroker(every: .milliseconds(200)) }
        // A relay's problem (publishing) is not the consumer's to clear, though the broker answers.
        let relayStuck = DaemonStatus(policyVersion: "probe")
        relayStuck.brokerProblem("no delivery report for 30 s")
        let third = folder.appendingPathComponent("relay")
        try FileManager.default.createDirectory(at: third, withIntermediateDirectories: true)
        let relaySide = try service(bootstrap: TestBroker.address, folder: third, status: relayStuck)
        let relayProbe = Task { await relaySide.probeBroker(every: .milliseconds(200)) }
        try await Task.sleep(for: .seconds(2))
        failing.cancel()
        relayProbe.cancel()
        #expect(unreachable.brokerProblemText == "1/1 brokers are down")
        #expect(relayStuck.brokerProblemText == "publishing: no delivery report for 30 s")
    }

    /// Input topics nobody created: librdkafka reports each as a consumer error and assigns the
    /// partitions of the others, so the daemon looked ready, or said the broker was down and then
    /// that it "answers again", while one input was never read. The probe lists the broker's
    /// topics instead: `/readyz` and the status line name the missing ones until they exist.
    @Test func missingInputTopicsAreNamedUntilTheyAreCreated() async throws {
        let folder = try scratchFolder("topics")
        defer { try? FileManager.default.removeItem(at: folder) }
        let status = DaemonStatus(policyVersion: "probe")
        let consuming = try service(bootstrap: TestBroker.address, folder: folder, status: status)
        let topics = consuming.processor.config.topics
        try TestBroker.createTopics([topics.orders], partitions: 1)
        let running = Task { try await consuming.run() }
        let probing = Task { await consuming.probeBroker(every: .milliseconds(200)) }
        defer { probing.cancel(); running.cancel() }
        let readiness = DaemonReadiness(status: status)

        func waitFor(_ what: String, timeout: Duration = .seconds(30), _ condition: () async -> Bool) async throws {
            let deadline = ContinuousClock.now + timeout
            while await !condition() {
                guard ContinuousClock.now < deadline else { throw TestFailure("timed out waiting until \(what)") }
                try await Task.sleep(for: .milliseconds(50))
            }
        }
        try await waitFor("the two missing topics are found") { status.missingInputTopics.count == 2 }
        #expect(status.missingInputTopics == [topics.shipments, topics.payments], "in the configuration's order")
        let missingText = "input topics missing on the broker: \(topics.shipments), \(topics.payments)"
        let report = await readiness.readiness()
        #expect(!report.isReady && report.detail.contains(missingText), "\(report.detail)")
        #expect(status.summary(eventsPerSecond: 0).contains(missingText))
        // The consumer's own error about them comes within its first metadata round trips.
        try await Task.sleep(for: .seconds(2))
        #expect(status.brokerProblemText == nil, "a missing topic is not the broker's absence: \(status.brokerProblemText ?? "")")

        // The partitions of the topic that exists do not make the daemon ready.
        let oneTopic = DaemonStatus(policyVersion: "probe")
        oneTopic.assigned([TopicPartition(topic: topics.orders, partition: 0)])
        #expect(await DaemonReadiness(status: oneTopic).readiness().isReady, "all topics there, one partition assigned: ready")
        _ = oneTopic.inputTopicsChecked(missing: [topics.payments])
        let partly = await DaemonReadiness(status: oneTopic).readiness()
        #expect(!partly.isReady && !partly.partitionsAssigned && partly.detail.contains(topics.payments), "\(partly)")

        try TestBroker.createTopics([topics.payments, topics.shipments], partitions: 1)
        try await waitFor("no topic is missing") { status.missingInputTopics.isEmpty }
        #expect(await !readiness.readiness().detail.contains("missing"), "the detail no longer names them")
        // Their partitions come with the group's next rebalance (BrokerOutageTests: topics
        // created again while the daemon runs are consumed).
        running.cancel()
        _ = try? await running.value
    }
}
