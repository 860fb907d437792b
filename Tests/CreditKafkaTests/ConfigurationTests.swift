import CreditKafka
import Testing

@Suite("KafkaConfiguration")
struct ConfigurationTests {
    @Test("an invalid value is rejected with the property and librdkafka's reason")
    func invalidValue() {
        let configuration = KafkaConfiguration(bootstrapServers: "localhost:9092", properties: ["session.timeout.ms": "soon"])
        let error = #expect(throws: KafkaError.self) { try configuration.validate() }
        #expect(error?.code == KafkaError.Code.invalidConfiguration)
        #expect(error?.property == "session.timeout.ms")
        #expect(error?.message.contains("session.timeout.ms") == true)
        #expect(error?.message.contains("soon") == true)
        #expect(error?.message.contains("Invalid value") == true, "librdkafka's own text is kept: \(error?.message ?? "")")
    }

    @Test("an unknown property is rejected by name")
    func unknownProperty() {
        let configuration = KafkaConfiguration(properties: ["bootstrap.servrs": "localhost:9092"])
        let error = #expect(throws: KafkaError.self) { try configuration.validate() }
        #expect(error?.property == "bootstrap.servrs")
        #expect(error?.message.contains("No such configuration property") == true, "\(error?.message ?? "")")
    }

    @Test("SASL and TLS properties pass straight through to librdkafka")
    func securityPassThrough() throws {
        var configuration = KafkaConfiguration(bootstrapServers: "kafka.example:9093")
        configuration.securityProtocol = .saslSSL
        configuration.setSASL(mechanism: "SCRAM-SHA-512", username: "creditd", password: "s3cret")
        configuration["ssl.endpoint.identification.algorithm"] = "https"
        configuration["ssl.ca.location"] = "probe"
        try configuration.validate()
        #expect(configuration["security.protocol"] == "sasl_ssl")
        #expect(configuration["sasl.mechanisms"] == "SCRAM-SHA-512")
    }

    @Test("secrets never appear in the description")
    func redaction() {
        var configuration = KafkaConfiguration(bootstrapServers: "b:1")
        configuration.setSASL(mechanism: "PLAIN", username: "u", password: "hunter2")
        configuration["ssl.key.password"] = "hunter3"
        #expect(!configuration.description.contains("hunter"))
        #expect(configuration.description.contains("sasl.username=u"))
        #expect(configuration.description.contains("sasl.password=<redacted>"))
    }

    @Test("typed accessors write librdkafka's units")
    func typedAccessors() {
        var configuration = KafkaConfiguration()
        configuration.sessionTimeout = .seconds(6)
        configuration.heartbeatInterval = .milliseconds(500)
        configuration.maxPollInterval = .seconds(30)
        configuration.statisticsInterval = .seconds(1)
        configuration.messageTimeout = .milliseconds(1500)
        configuration.autoOffsetReset = .earliest
        configuration.groupID = "creditd"
        configuration.clientID = "creditd-1"
        #expect(configuration.properties == [
            "session.timeout.ms": "6000", "heartbeat.interval.ms": "500", "max.poll.interval.ms": "30000",
            "statistics.interval.ms": "1000", "message.timeout.ms": "1500", "auto.offset.reset": "earliest",
            "group.id": "creditd", "client.id": "creditd-1",
        ])
        #expect(configuration.sessionTimeout == .seconds(6))
        #expect(KafkaConfiguration(properties: ["auto.offset.reset": "smallest"]).autoOffsetReset == .earliest)
    }

    @Test("a consumer refuses automatic offset handling and a missing group")
    func consumerGuards() {
        let noGroup = #expect(throws: KafkaError.self) {
            _ = try KafkaConsumer(configuration: KafkaConfiguration(bootstrapServers: "127.0.0.1:1"), topics: ["t"], logger: testLogger) { _ in [:] }
        }
        #expect(noGroup?.property == "group.id")
        var autoCommit = KafkaConfiguration(bootstrapServers: "127.0.0.1:1", properties: ["enable.auto.commit": "true"])
        autoCommit.groupID = "g"
        let refused = #expect(throws: KafkaError.self) {
            _ = try KafkaConsumer(configuration: autoCommit, topics: ["t"], logger: testLogger) { _ in [:] }
        }
        #expect(refused?.property == "enable.auto.commit")
        #expect(refused?.code == KafkaError.Code.invalidConfiguration)
    }
}
