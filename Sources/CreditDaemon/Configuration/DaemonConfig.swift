import CreditCore
import CreditHTTP
import CreditKafka
import Foundation

/// The daemon's configuration file (operations.md), after environment overrides and validation.
public struct DaemonConfig: Sendable, Equatable {
    public enum Clock: String, Sendable { case wall, event }

    public struct Topics: Sendable, Equatable {
        public var orders = "orders"
        public var shipments = "shipments"
        public var payments = "payments"
        public var decisions = "credit.decisions"
        public var dunning = "credit.dunning"
        public var alerts = "credit.alerts"
        public var deadLetter = "credit.deadletter"
        /// The input topics, each once: orders, shipments and payments may share one topic (then a
        /// customer's events keep their produced order across all three kinds).
        public var inputs: [String] {
            var seen: Set<String> = []
            return [orders, shipments, payments].filter { seen.insert($0).inserted }
        }
    }

    public var instance = "creditd"
    public var bootstrapServers = "127.0.0.1:9092"
    public var groupId = "creditd"
    public var topics = Topics()
    public var maxMessageBytes = 1_048_576
    /// Passed through to librdkafka as they are (security.protocol, sasl.*, ssl.* ...).
    public var kafkaProperties: [String: String] = [:]
    /// librdkafka properties whose values are read from files (`kafka.secret_files`), by
    /// property, the paths resolved. Read only when the daemon builds its Kafka clients
    /// (`kafkaPropertiesWithSecrets`): under systemd the files exist only inside the service,
    /// and creditctl, replay and check-config run outside it.
    public var kafkaSecretFiles: [String: String] = [:]
    /// Largest number of input messages applied in one SQLite transaction.
    public var batchMaxMessages = 2000
    /// How long the consumer waits for a lagging input partition with nothing fetched before it
    /// applies the other partitions' later events (`EventTimeAligner`); 0 applies in arrival order.
    public var alignWaitMs = 200
    /// Input messages held back for business-time order, at most; nil: ten batches. A safety net:
    /// partitions that run ahead are paused at a quarter batch each, but what the consumer had
    /// fetched before the pause still comes in, and should not force the order.
    public var alignMaxMessages: Int?
    /// `alignMaxMessages` or its default.
    public var alignBufferLimit: Int { alignMaxMessages ?? 10 * batchMaxMessages }
    public var databasePath = "/var/lib/creditd/creditd.sqlite"
    /// `full` (default) syncs every commit; `normal` trades power-loss durability for speed.
    public var databaseSynchronous = "full"
    /// Customer states kept decoded in memory between batches (hot customers cost no read).
    public var stateCacheCustomers = 1_000
    /// Not a configuration key: tests lower it to store every customer by item (`StateCodec.itemsApartFrom`).
    var itemsApartFrom = StateCodec.itemsApartFrom
    public var httpListen = "127.0.0.1:8470"
    public var adminTokenFile: String? = "/run/credentials/creditd.service/admin-token"
    public var clock = Clock.wall
    public var policyFile = "/etc/creditd/policy.yaml"

    public init() {}

    /// Where the file was read from; relative paths in it are relative to its folder.
    public var sourceFile: String?

    public struct Problems: Error, CustomStringConvertible, Sendable {
        public let file: String
        public let problems: [String]
        /// The policy file the configuration names, when that key itself was read without a
        /// problem: `check-config` validates the policy too, so one run shows every problem.
        public var policyFile: String?
        public var description: String { problems.map { "\(file): \($0)" }.joined(separator: "\n") }
    }

    /// Reads the file, applies `CREDITD_*` environment overrides and validates every key.
    public static func load(file: String, environment: [String: String] = ProcessInfo.processInfo.environment) throws -> DaemonConfig {
        let tree: ConfigNode
        do {
            tree = try YAMLLoader.load(file: file)
        } catch {
            throw Problems(file: file, problems: [error.message])
        }
        return try parse(tree, file: file, environment: environment)
    }

    public static func parse(_ tree: ConfigNode, file: String, environment: [String: String]) throws -> DaemonConfig {
        var reader = ConfigReader(tree: tree, environment: environment)
        var config = DaemonConfig()
        config.sourceFile = file
        config.instance = reader.string("instance") ?? config.instance
        config.bootstrapServers = reader.string("kafka.bootstrap_servers") ?? config.bootstrapServers
        config.groupId = reader.string("kafka.group_id") ?? config.groupId
        config.topics.orders = reader.string("kafka.topics.orders") ?? config.topics.orders
        config.topics.shipments = reader.string("kafka.topics.shipments") ?? config.topics.shipments
        config.topics.payments = reader.string("kafka.topics.payments") ?? config.topics.payments
        config.topics.decisions = reader.string("kafka.topics.decisions") ?? config.topics.decisions
        config.topics.dunning = reader.string("kafka.topics.dunning") ?? config.topics.dunning
        config.topics.alerts = reader.string("kafka.topics.alerts") ?? config.topics.alerts
        config.topics.deadLetter = reader.string("kafka.topics.dead_letter") ?? config.topics.deadLetter
        // An output on an input topic would come back as input: decisions as malformed events,
        // dead letters dead-lettered again, for ever.
        for (key, topic) in [("decisions", config.topics.decisions), ("dunning", config.topics.dunning),
                             ("alerts", config.topics.alerts), ("dead_letter", config.topics.deadLetter)] {
            if let input = [("orders", config.topics.orders), ("shipments", config.topics.shipments),
                            ("payments", config.topics.payments)].first(where: { $0.1 == topic }) {
                reader.problem("kafka.topics.\(key)", "\(topic) is also the input topic kafka.topics.\(input.0); creditd would consume its own output: give it a topic of its own")
            }
        }
        config.maxMessageBytes = reader.int("kafka.max_message_bytes", range: 1024...100_000_000) ?? config.maxMessageBytes
        config.batchMaxMessages = reader.int("kafka.batch_max_messages", range: 1...100_000) ?? config.batchMaxMessages
        config.alignWaitMs = reader.int("kafka.align_wait_ms", range: 0...60_000) ?? config.alignWaitMs
        config.alignMaxMessages = reader.int("kafka.align_max_messages", range: 1...10_000_000)
        config.kafkaProperties = reader.stringMap("kafka.properties")
        let base = (file as NSString).deletingLastPathComponent
        for (property, path) in reader.stringMap("kafka.secret_files") {
            config.kafkaSecretFiles[property] = resolve(path, base: base)
        }
        // librdkafka itself judges every property (name and value), without connecting: a
        // mistake is a configuration problem here rather than a failure at start-up. A secret's
        // name is judged with a stand-in value (the file may be readable only by the service).
        // Plugins are left out: librdkafka loads them as soon as the property is set.
        var judged = config.kafkaProperties.filter { !$0.key.hasPrefix("plugin.") }
        for property in config.kafkaSecretFiles.keys { judged[property] = "secret" }
        do {
            try KafkaConfiguration(properties: judged).validate()
        } catch {
            let section = error.property.map { config.kafkaSecretFiles[$0] != nil ? "kafka.secret_files" : "kafka.properties" } ?? "kafka.properties"
            reader.problem(section + (error.property.map { ".\($0)" } ?? ""), error.message)
        }
        if let path = reader.string("database.path") { config.databasePath = resolve(path, base: base) }
        if let sync = reader.string("database.synchronous") {
            if ["full", "normal"].contains(sync) { config.databaseSynchronous = sync } else {
                reader.problem("database.synchronous", "must be full or normal, not \(sync)")
            }
        }
        config.stateCacheCustomers = reader.int("database.state_cache_customers", range: 0...10_000_000) ?? config.stateCacheCustomers
        config.httpListen = reader.string("http.listen") ?? config.httpListen
        do {
            _ = try HTTPServerConfiguration(listen: config.httpListen)
        } catch {
            reader.problem("http.listen", error.detail)
        }
        if reader.isNull("http.admin_token_file") {
            config.adminTokenFile = nil
        } else if let path = reader.string("http.admin_token_file") {
            config.adminTokenFile = resolve(path, base: base)
        }
        if let clock = reader.string("clock") {
            if let value = Clock(rawValue: clock) { config.clock = value } else {
                reader.problem("clock", "must be wall or event, not \(clock)")
            }
        }
        if let path = reader.string("policy.file") { config.policyFile = resolve(path, base: base) }
        reader.reportUnknownKeys()
        reader.reportUnknownEnvironment()
        if !reader.problems.isEmpty {
            let policyKeyFine = !reader.problems.contains { $0.hasPrefix("policy.file:") || $0.hasPrefix("policy:") }
            throw Problems(file: file, problems: reader.problems, policyFile: policyKeyFine ? config.policyFile : nil)
        }
        return config
    }

    /// `kafka.properties` with the secrets read from their files.
    public func kafkaPropertiesWithSecrets() throws(Problems) -> [String: String] {
        var properties = kafkaProperties
        var problems: [String] = []
        for (property, path) in kafkaSecretFiles.sorted(by: { $0.key < $1.key }) {
            if let secret = Self.readSecret(path) {
                properties[property] = secret
            } else {
                problems.append("kafka.secret_files.\(property): cannot read the secret file \(path)")
            }
        }
        guard problems.isEmpty else { throw Problems(file: sourceFile ?? "configuration", problems: problems, policyFile: policyFile) }
        return properties
    }

    /// The secret files that cannot be read here (check-config notes them; `run` refuses them).
    public var unreadableSecretFiles: [(key: String, path: String)] {
        kafkaSecretFiles.sorted(by: { $0.key < $1.key }).compactMap { property, path in
            Self.readSecret(path) == nil ? ("kafka.secret_files.\(property)", path) : nil
        }
    }

    static func readSecret(_ path: String) -> String? {
        guard let data = FileManager.default.contents(atPath: path), let text = String(data: data, encoding: .utf8) else { return nil }
        return text.trimmingCharacters(in: .whitespacesAndNewlines)
    }

    static func resolve(_ path: String, base: String) -> String {
        if path.hasPrefix("/") || base.isEmpty { return path }
        return (base as NSString).appendingPathComponent(path)
    }
}
