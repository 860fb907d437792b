@testable import CreditKafka
import Logging
import Testing

@Suite("librdkafka runtime and mappings")
struct RuntimeTests {
    @Test("the runtime librdkafka is the one that can talk to the broker")
    func runtimeVersion() throws {
        let version = Kafka.runtimeVersion
        let parts = version.split(separator: ".").compactMap { Int($0.prefix { $0.isNumber }) }
        try #require(parts.count >= 2, "unparseable librdkafka version '\(version)'")
        // Debian's 2.0.2 cannot speak to Tansu; scripts/env.sh puts 2.16 on LD_LIBRARY_PATH.
        #expect(parts[0] > 2 || (parts[0] == 2 && parts[1] >= 1), "librdkafka \(version) loaded: run `source scripts/env.sh` first")
    }

    @Test("syslog levels map onto swift-log levels", arguments: [
        (Int32(0), Logger.Level.critical), (2, .critical), (3, .error), (4, .warning), (5, .notice), (6, .info), (7, .debug),
    ])
    func logLevels(syslog: Int32, expected: Logger.Level) {
        #expect(LibrdkafkaLogLevel.loggerLevel(syslog: syslog) == expected)
    }

    @Test("durations become librdkafka milliseconds without collapsing to 0 or wrapping to -1")
    func milliseconds() {
        #expect(Duration.seconds(5).kafkaMilliseconds == 5000)
        #expect(Duration.microseconds(1).kafkaMilliseconds == 1)
        #expect(Duration.milliseconds(1500).kafkaMilliseconds == 1500)
        #expect(Duration.zero.kafkaMilliseconds == 0)
        #expect(Duration.seconds(-3).kafkaMilliseconds == 0)
        #expect(Duration.seconds(Int64.max / 2).kafkaMilliseconds == Int32.max)
        #expect(Duration.milliseconds(250).kafkaDescription == "250 ms")
        #expect(Duration.seconds(2).kafkaDescription == "2 s")
    }
}
