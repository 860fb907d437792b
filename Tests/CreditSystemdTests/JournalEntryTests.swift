import CreditSystemd
import Logging
import Testing

@Suite struct JournalEntryTests {
    @Test(arguments: [
        ("customer_id", "CUSTOMER_ID"), ("order_id", "ORDER_ID"), ("invoice_id", "INVOICE_ID"),
        ("decision", "DECISION"), ("reason", "REASON"), ("event_id", "EVENT_ID"), ("topic", "TOPIC"),
        ("partition", "PARTITION"), ("offset", "OFFSET"),
        ("error.message", "ERROR_MESSAGE"), ("kafka-lag", "KAFKA_LAG"), ("_trusted", "TRUSTED"),
        ("__x", "X"), ("2fa", "FIELD_2FA"), ("", "FIELD"), ("___", "FIELD"), ("größe", "GR__E"),
    ])
    func metadataKeysBecomeValidFieldNames(key: String, expected: String) {
        #expect(JournalFieldName.sanitize(key) == expected)
    }

    @Test func fieldNamesAreCappedAtSixtyFourCharacters() {
        #expect(JournalFieldName.sanitize(String(repeating: "a", count: 100)) == String(repeating: "A", count: 64))
    }

    @Test(arguments: [
        (Logger.Level.trace, 7), (.debug, 7), (.info, 6), (.notice, 5), (.warning, 4), (.error, 3), (.critical, 2),
    ])
    func levelsMapToSyslogPriorities(level: Logger.Level, priority: Int) {
        #expect(SyslogPriority.value(for: level) == priority)
    }

    @Test func fixedFieldsFirstThenMetadataByName() {
        let record = LogRecord(
            label: "creditd.decisions", level: .notice, message: "order released",
            metadata: ["order_id": "O-1", "customer_id": "C-9", "message": "forged", "limit": ["source": "bureau"]],
            file: "CreditDaemon/Engine.swift", function: "decide(_:)", line: 88
        )
        let fields = JournalEntry.fields(for: record, identifier: "creditd")
        #expect(fields.map(\.description) == [
            "MESSAGE=order released", "PRIORITY=5", "SYSLOG_IDENTIFIER=creditd",
            "CODE_FILE=CreditDaemon/Engine.swift", "CODE_LINE=88", "CODE_FUNC=decide(_:)",
            "LOGGER=creditd.decisions",
            "CUSTOMER_ID=C-9", "LIMIT_SOURCE=bureau", "META_MESSAGE=forged", "ORDER_ID=O-1",
        ])
    }

    @Test func recordMergesHandlerProviderAndStatementMetadataInThatOrder() {
        struct Failure: Error, CustomStringConvertible { var description: String { "disk full" } }
        let provider = Logger.MetadataProvider { ["instance": "provided", "request": "r-1"] }
        let event = LogEvent(
            level: .error, message: "write failed", error: Failure(),
            metadata: ["request": "r-2"], source: nil, file: "F.swift", function: "f()", line: 1
        )
        let record = LogRecord(label: "l", event: event, base: ["instance": "base", "zone": "a"], provider: provider)
        #expect(record.metadata["instance"] == "provided")
        #expect(record.metadata["request"] == "r-2")
        #expect(record.metadata["zone"] == "a")
        #expect(record.metadata["error.message"] == "disk full")
        let names = JournalEntry.fields(for: record, identifier: "creditd").map(\.name)
        #expect(names.contains("ERROR_MESSAGE") && names.contains("ERROR_TYPE"))
    }
}
