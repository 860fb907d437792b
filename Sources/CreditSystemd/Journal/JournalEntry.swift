/// Builds the fields of one journal entry from a log record.
///
/// Fixed fields come first (`MESSAGE`, `PRIORITY`, `SYSLOG_IDENTIFIER`, `CODE_FILE`, `CODE_LINE`,
/// `CODE_FUNC`, `LOGGER` for the swift-log label), then every metadata key upper-cased in name order.
/// A metadata key that would collide with a fixed field gets a `META_` prefix so it can never forge
/// the priority or the message.
public enum JournalEntry {
    public static let reservedNames: Set<String> = [
        "MESSAGE", "PRIORITY", "SYSLOG_IDENTIFIER", "SYSLOG_FACILITY", "SYSLOG_PID", "SYSLOG_TIMESTAMP",
        "CODE_FILE", "CODE_LINE", "CODE_FUNC", "LOGGER",
    ]

    public static func fields(for record: LogRecord, identifier: String) -> [JournalField] {
        var fields = [
            JournalField(name: "MESSAGE", value: record.message),
            JournalField(name: "PRIORITY", value: String(SyslogPriority.value(for: record.level))),
            JournalField(name: "SYSLOG_IDENTIFIER", value: identifier),
            JournalField(name: "CODE_FILE", value: record.file),
            JournalField(name: "CODE_LINE", value: String(record.line)),
            JournalField(name: "CODE_FUNC", value: record.function),
            JournalField(name: "LOGGER", value: record.label),
        ]
        var metadataFields: [JournalField] = []
        for (key, value) in record.flattenedMetadata(separator: "_") {
            var name = JournalFieldName.sanitize(key)
            if reservedNames.contains(name) {
                name = String(("META_" + name).prefix(JournalFieldName.maximumLength))
            }
            metadataFields.append(JournalField(name: name, value: value))
        }
        // Sort by the final name (keys sort differently once upper-cased), value as tie-break.
        metadataFields.sort { ($0.name, $0.value) < ($1.name, $1.value) }
        fields.append(contentsOf: metadataFields)
        return fields
    }
}
