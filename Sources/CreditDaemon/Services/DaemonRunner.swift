import CreditCore
import CreditKafka
import CreditStore
import CreditSystemd
import Foundation
import Logging
import ServiceLifecycle

/// `creditd run`: opens the database, builds the Kafka clients and runs the services until
/// SIGTERM/SIGINT. Services stop in reverse order: the status reporter first, then the consumer
/// (finishes its batch, leaves the group), then the relay (flushes the outbox).
public enum DaemonRunner {
    public static func run(config: DaemonConfig, policy: Policy, policySource: String, logger: Logger) async throws {
        logger.notice("creditd starting", metadata: [
            "instance": "\(config.instance)", "librdkafka": "\(Kafka.runtimeVersion)",
            "policy_version": "\(policy.version)", "clock": "\(config.clock.rawValue)",
            "database": "\(config.databasePath)", "bootstrap_servers": "\(config.bootstrapServers)",
        ])
        let database = try CreditDatabase(path: config.databasePath,
                                          durability: config.databaseSynchronous == "normal" ? .normal : .full)
        let status = DaemonStatus(policyVersion: policy.version)
        let processor = BatchProcessor(database: database, config: config, policy: policy, policySource: policySource)
        let doorbell = RelayDoorbell()
        let notifier = SystemdNotifier()
        let producer = try RelayService.makeProducer(config: config, logger: logger)
        let consumer = try ConsumeService.makeConsumer(config: config, database: database, logger: logger)

        let relay = RelayService(producer: producer, database: database, doorbell: doorbell, status: status, logger: logger)
        let consume = ConsumeService(consumer: consumer, processor: processor, status: status, doorbell: doorbell, logger: logger)
        let reload = ReloadService(policyFile: config.policyFile, status: status, notifier: notifier, logger: logger)
        let supervisor = SupervisorService(status: status, notifier: notifier, logger: logger)

        var groupConfig = ServiceGroupConfiguration(
            services: ([relay, consume, reload, supervisor] as [any Service]).map { .init(service: $0) },
            gracefulShutdownSignals: [.sigterm, .sigint],
            logger: logger)
        groupConfig.maximumGracefulShutdownDuration = Duration.seconds(25)
        let group = ServiceGroup(configuration: groupConfig)
        try await group.run()
        logger.notice("creditd stopped")
    }
}
