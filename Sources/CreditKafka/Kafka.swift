internal import CRDKafka
import Logging

/// Process-wide facts and one-off operations that need no long-lived client.
public enum Kafka {
    /// The librdkafka actually loaded at run time (it may differ from the headers built against):
    /// the daemon logs it at start.
    public static var runtimeVersion: String { String(cString: rd_kafka_version_str()) }

    /// Proves a broker answers at `configuration.bootstrapServers`, or throws
    /// `kafka_broker_unreachable` naming them, within `timeout`.
    public static func checkConnectivity(
        _ configuration: KafkaConfiguration, timeout: Duration = .seconds(5), logger: Logger = quietLogger
    ) async throws(KafkaError) -> KafkaClusterInfo {
        try await withTemporaryClient(configuration, what: "connectivity check", timeout: timeout, logger: logger) { client throws(KafkaError) in
            try client.clusterInfo(timeout: timeout).get()
        }
    }

    /// Creates a topic through the admin API (tests, demos, first start). Throws
    /// `TOPIC_ALREADY_EXISTS` when it exists.
    public static func createTopic(
        _ name: String, partitions: Int32, replicationFactor: Int32 = 1,
        configuration: KafkaConfiguration, timeout: Duration = .seconds(10), logger: Logger = quietLogger
    ) async throws(KafkaError) {
        try await withTemporaryClient(configuration, what: "topic creation", timeout: timeout, logger: logger) { client throws(KafkaError) in
            try TopicCreation.create(name, partitions: partitions, replicationFactor: replicationFactor, client: client, timeout: timeout)
        }
    }

    /// Drops librdkafka's log lines; pass a real logger to see them.
    public static let quietLogger = Logger(label: "creditd.kafka", factory: { _ in SwiftLogNoOpLogHandler() })

    /// Runs `body` with a short-lived client on a thread of its own; the answer is returned before
    /// the client is destroyed, so a slow teardown (broker gone) never delays it.
    private static func withTemporaryClient<T: Sendable>(
        _ configuration: KafkaConfiguration, what: String, timeout: Duration, logger: Logger,
        _ body: @escaping @Sendable (KafkaClient) throws(KafkaError) -> T
    ) async throws(KafkaError) -> T {
        let answer = OneShot<Result<T, KafkaError>>()
        BlockingCall.start(name: "kafka \(what)") {
            let client: KafkaClient
            do throws(KafkaError) {
                client = try KafkaClient(kind: .admin, configuration: configuration, logger: logger)
            } catch {
                answer.complete(.failure(error))
                return
            }
            do throws(KafkaError) {
                answer.complete(.success(try body(client)))
            } catch {
                answer.complete(.failure(error))
            }
            client.destroy()
        }
        guard let result = await answer.value(timeout: timeout + .milliseconds(250)) else {
            throw KafkaError.timedOut(what, after: timeout)
        }
        return try result.get()
    }
}
