import Logging

/// Logs to the journal as structured entries, so `journalctl -u creditd CUSTOMER_ID=C-1001` tells a
/// customer's story and `PRIORITY=` drives alerting. When journald cannot be reached the line goes
/// to stderr in the plain format instead of being lost.
public struct JournalLogHandler: LogHandler {
    public let label: String
    /// `SYSLOG_IDENTIFIER=`, what `journalctl -t` filters on.
    public let identifier: String
    public var logLevel: Logger.Level = .info
    public var metadata: Logger.Metadata = [:]
    public var metadataProvider: Logger.MetadataProvider?

    public init(
        label: String, identifier: String = "creditd",
        metadataProvider: Logger.MetadataProvider? = LoggingSystem.metadataProvider
    ) {
        self.label = label
        self.identifier = identifier
        self.metadataProvider = metadataProvider
    }

    public subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    public func log(event: LogEvent) {
        let record = LogRecord(label: label, event: event, base: metadata, provider: metadataProvider)
        do {
            try JournalWriter.send(JournalEntry.fields(for: record, identifier: identifier))
        } catch {
            StandardError.write(line: StderrLogHandler.line(for: record, at: .now()))
        }
    }
}
