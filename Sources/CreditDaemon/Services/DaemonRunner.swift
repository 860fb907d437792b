import CreditCore
import CreditHTTP
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
                                          durability: config.databaseSynchronous == "normal" ? .normal : .full,
                                          checkpoints: .background)
        let status = DaemonStatus(policyVersion: policy.version)
        let processor = BatchProcessor(database: database, config: config, policy: policy, policySource: policySource)
        processor.keepsWholeOutputs = false
        if let refusal = try processor.currencyChange(to: policy) { throw refusal }
        if try processor.versionUnchanged(by: policy, source: policySource) { logger.warning("\(PolicyVersionWarning.text)", metadata: ["policy_version": "\(policy.version)"]) }
        for note in PolicyLoader.omittedRules(policySource, file: config.policyFile) {
            logger.warning("policy leaves a rule out", metadata: ["policy_file": "\(config.policyFile)", "note": "\(note)"])
        }
        let doorbell = RelayDoorbell()
        let notifier = SystemdNotifier()
        let metrics = CreditMetrics.bootstrapped
        let statistics: @Sendable (String) -> Void = { json in _ = metrics.recordKafkaStatistics(json) }
        let producer = try RelayService.makeProducer(config: config, logger: logger, statistics: statistics)
        let consumer = try ConsumeService.makeConsumer(config: config, database: database, logger: logger, statistics: statistics)

        let relay = RelayService(producer: producer, database: database, doorbell: doorbell, status: status, logger: logger,
                                 replacementProducer: { try RelayService.makeProducer(config: config, logger: logger, statistics: statistics) },
                                 onPublished: { topic, count in metrics.relayPublished(topic: topic, count: count) },
                                 onRefused: { parked in
                                     status.outboxRefused(parked)
                                     metrics.outboxRefused(parked)
                                 })
        let bureau = BureauRefreshService(processor: processor, doorbell: doorbell, logger: logger, metrics: metrics)
        let consume = ConsumeService(consumer: consumer, processor: processor, status: status, doorbell: doorbell,
                                     logger: logger, metrics: metrics, onNewCustomers: { bureau.wake() })
        let scheduler = SchedulerService(processor: processor, doorbell: doorbell, logger: logger, metrics: metrics)
        let gauges = CollectionGaugesService(processor: processor, metrics: metrics, logger: logger)
        let reload = ReloadService(policyFile: config.policyFile, processor: processor, status: status, notifier: notifier,
                                   logger: logger, onReloaded: {
                                       consume.recordReloadedPolicy()
                                       bureau.policyReloaded()
                                   })
        let checkpoints = CheckpointService(database: database, logger: logger)
        let supervisor = SupervisorService(status: status, notifier: notifier, logger: logger, database: database, metrics: metrics,
                                           lastPoll: { consumer.lastPoll })
        var token: String?
        if let file = config.adminTokenFile {
            token = try AdminToken.load(fromFile: file)
        }
        if token == nil { logger.notice("admin API disabled: no admin token configured (http.admin_token_file)") }
        let http = HTTPServer(
            configuration: try HTTPServerConfiguration(listen: config.httpListen, adminToken: token),
            readiness: DaemonReadiness(status: status),
            backend: DaemonAdmin(processor: processor, doorbell: doorbell, logger: logger, metrics: metrics),
            metrics: metrics, logger: logger)

        var groupConfig = ServiceGroupConfiguration(
            // A service that fails (storage, say) stops the others as SIGTERM does, not by
            // cancellation: the HTTP server then closes once, without logging its cancellation
            // as two errors beside the one that matters; the group still throws that one.
            services: ([checkpoints, relay, consume, scheduler, gauges, bureau, http, reload, supervisor] as [any Service]).map {
                .init(service: $0, failureTerminationBehavior: .gracefullyShutdownGroup)
            },
            gracefulShutdownSignals: [.sigterm, .sigint],
            logger: logger)
        groupConfig.maximumGracefulShutdownDuration = Duration.seconds(25)
        let group = ServiceGroup(configuration: groupConfig)
        do {
            try await group.run()
        } catch HTTPServerError.cannotListen(let address, let reason) {
            throw ListenFailure(address: address, reason: reason)
        }
        do {
            try database.checkpointCompletely()
        } catch {
            // Nothing is lost: the WAL stays beside the file and the next open reads it.
            logger.warning("final WAL checkpoint failed; the -wal file keeps the last commits", metadata: [
                "error": "\(error)", "code": "\(error.code.rawValue)"])
        }
        logger.notice("creditd stopped")
    }
}

/// The HTTP address could not be bound: named by its configuration key, with what to do.
struct ListenFailure: Error, CustomStringConvertible {
    let address: String
    let reason: String

    var description: String {
        "http.listen \(address): \(reason); another program (another creditd?) may listen there: stop it, or set http.listen to a free HOST:PORT"
    }
}
