internal import CRDKafka

/// librdkafka properties by their documented names (CONFIGURATION.md). Any property passes through
/// unchanged, so SASL, TLS and tuning need no code here; the typed accessors only spare callers
/// unit mistakes on the few properties the daemon sets itself.
public struct KafkaConfiguration: Sendable, Hashable, CustomStringConvertible {
    public var properties: [String: String]

    public init(properties: [String: String] = [:]) {
        self.properties = properties
    }

    public init(bootstrapServers: String, properties: [String: String] = [:]) {
        self.properties = properties
        self.properties["bootstrap.servers"] = bootstrapServers
    }

    public subscript(property: String) -> String? {
        get { properties[property] }
        set { properties[property] = newValue }
    }

    /// Merges `other` over this configuration (its values win).
    public func merging(_ other: [String: String]) -> KafkaConfiguration {
        KafkaConfiguration(properties: properties.merging(other) { _, new in new })
    }

    // MARK: Typed accessors

    public var bootstrapServers: String? {
        get { self["bootstrap.servers"] }
        set { self["bootstrap.servers"] = newValue }
    }

    public var clientID: String? {
        get { self["client.id"] }
        set { self["client.id"] = newValue }
    }

    public var groupID: String? {
        get { self["group.id"] }
        set { self["group.id"] = newValue }
    }

    public var autoOffsetReset: AutoOffsetReset? {
        get { self["auto.offset.reset"].flatMap(AutoOffsetReset.init(propertyValue:)) }
        set { self["auto.offset.reset"] = newValue?.rawValue }
    }

    public var sessionTimeout: Duration? {
        get { duration("session.timeout.ms") }
        set { setDuration("session.timeout.ms", newValue) }
    }

    public var heartbeatInterval: Duration? {
        get { duration("heartbeat.interval.ms") }
        set { setDuration("heartbeat.interval.ms", newValue) }
    }

    /// Also the rebalance timeout: how long the group waits for a member to give partitions back.
    public var maxPollInterval: Duration? {
        get { duration("max.poll.interval.ms") }
        set { setDuration("max.poll.interval.ms", newValue) }
    }

    /// How long the producer keeps trying a record before its delivery report says `_MSG_TIMED_OUT`.
    public var messageTimeout: Duration? {
        get { duration("message.timeout.ms") }
        set { setDuration("message.timeout.ms", newValue) }
    }

    /// Statistics JSON every interval, delivered to the client's statistics handler.
    public var statisticsInterval: Duration? {
        get { duration("statistics.interval.ms") }
        set { setDuration("statistics.interval.ms", newValue) }
    }

    public var securityProtocol: SecurityProtocol? {
        get { self["security.protocol"].flatMap { SecurityProtocol(rawValue: $0.lowercased()) } }
        set { self["security.protocol"] = newValue?.rawValue }
    }

    /// SASL username/password authentication (PLAIN or SCRAM-SHA-256/512).
    public mutating func setSASL(mechanism: String, username: String, password: String) {
        self["sasl.mechanisms"] = mechanism
        self["sasl.username"] = username
        self["sasl.password"] = password
    }

    private func duration(_ property: String) -> Duration? {
        self[property].flatMap(Int64.init).map { .milliseconds($0) }
    }

    private mutating func setDuration(_ property: String, _ value: Duration?) {
        self[property] = value?.kafkaMillisecondsString
    }

    // MARK: Validation

    /// Checks every property with librdkafka itself, without connecting anywhere.
    public func validate() throws(KafkaError) {
        let conf = try makeNativeConfiguration()
        rd_kafka_conf_destroy(conf)
    }

    /// A fresh `rd_kafka_conf_t` holding every property, in a stable order so errors are repeatable.
    /// The caller owns the result.
    func makeNativeConfiguration() throws(KafkaError) -> OpaquePointer {
        guard let conf = rd_kafka_conf_new() else {
            throw KafkaError(code: KafkaError.Code.invalidConfiguration, message: "librdkafka could not allocate a configuration")
        }
        var errorText = [CChar](repeating: 0, count: 512)
        for (name, value) in properties.sorted(by: { $0.key < $1.key }) {
            let result = rd_kafka_conf_set(conf, name, value, &errorText, errorText.count)
            guard result == RD_KAFKA_CONF_OK else {
                rd_kafka_conf_destroy(conf)
                let reason = String(errorBuffer: errorText)
                let shown = Self.isSecret(name) ? "<redacted>" : value
                throw KafkaError(
                    code: KafkaError.Code.invalidConfiguration,
                    message: "librdkafka rejected property '\(name)' = '\(shown)': \(reason)",
                    property: name
                )
            }
        }
        return conf
    }

    /// Whether the librdkafka loaded at run time accepts `property` = `value` (newer properties are
    /// unknown to older builds, and the headers we compile against are older than the runtime).
    static func runtimeAccepts(_ property: String, _ value: String) -> Bool {
        guard let conf = rd_kafka_conf_new() else { return false }
        defer { rd_kafka_conf_destroy(conf) }
        var errorText = [CChar](repeating: 0, count: 256)
        return rd_kafka_conf_set(conf, property, value, &errorText, errorText.count) == RD_KAFKA_CONF_OK
    }

    /// Secrets never reach a log line through `description`.
    public var description: String {
        let shown = properties.sorted { $0.key < $1.key }.map { name, value in
            "\(name)=\(Self.isSecret(name) ? "<redacted>" : value)"
        }
        return "KafkaConfiguration(\(shown.joined(separator: ", ")))"
    }

    static func isSecret(_ property: String) -> Bool {
        let name = property.lowercased()
        return ["password", "secret", "sasl.oauthbearer.config", "ssl.key.pem", "ssl_key", "keystore"]
            .contains { name.contains($0) }
    }
}
