import CreditCore
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

    @Test func aProblemClearsWhenTheBrokerAnswersAndStaysWhenItDoesNot() async throws {
        try TestBroker.require()
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("creditd-probe-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }

        let reachable = DaemonStatus(policyVersion: "probe")
        reachable.brokerProblem("1/1 brokers are down", fromConsumer: true)
        let up = try service(bootstrap: TestBroker.address, folder: folder, status: reachable)
        let probing = Task { await up.probeBrokerWhileFailing(every: .milliseconds(200)) }
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
        let failing = Task { await down.probeBrokerWhileFailing(every: .milliseconds(200)) }
        // A relay's problem (publishing) is not the consumer's to clear, though the broker answers.
        let relayStuck = DaemonStatus(policyVersion: "probe")
        relayStuck.brokerProblem("no delivery report for 30 s")
        let third = folder.appendingPathComponent("relay")
        try FileManager.default.createDirectory(at: third, withIntermediateDirectories: true)
        let relaySide = try service(bootstrap: TestBroker.address, folder: third, status: relayStuck)
        let relayProbe = Task { await relaySide.probeBrokerWhileFailing(every: .milliseconds(200)) }
        try await Task.sleep(for: .seconds(2))
        failing.cancel()
        relayProbe.cancel()
        #expect(unreachable.brokerProblemText == "1/1 brokers are down")
        #expect(relayStuck.brokerProblemText == "publishing: no delivery report for 30 s")
    }
}
