import Logging

/// The log format outside the journal (a terminal, a container, `creditd replay`): one readable line
/// per statement, `2026-11-28T10:00:00.123Z warning creditd: message key=value ...`, metadata sorted
/// so two runs diff cleanly, and never a raw newline, so `grep` sees whole entries.
public struct StderrLogHandler: LogHandler {
    public let label: String
    public var logLevel: Logger.Level = .info
    public var metadata: Logger.Metadata = [:]
    public var metadataProvider: Logger.MetadataProvider?

    public init(label: String, metadataProvider: Logger.MetadataProvider? = LoggingSystem.metadataProvider) {
        self.label = label
        self.metadataProvider = metadataProvider
    }

    public subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    public func log(event: LogEvent) {
        let record = LogRecord(label: label, event: event, base: metadata, provider: metadataProvider)
        StandardError.write(line: Self.line(for: record, at: .now()))
    }

    /// The formatted line, without the trailing newline.
    public static func line(for record: LogRecord, at timestamp: UTCTimestamp) -> String {
        var line = "\(timestamp) \(record.level.rawValue) \(record.label): \(escape(record.message))"
        for (key, value) in record.flattenedMetadata(separator: ".") {
            line += " \(escape(key))=\(quoteIfNeeded(value))"
        }
        return line
    }

    /// Control characters become visible escapes so one statement stays one line.
    static func escape(_ text: String) -> String {
        var out = ""
        out.reserveCapacity(text.utf8.count)
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            case _ where scalar.value < 0x20 || scalar.value == 0x7F:
                out += "\\u{" + String(scalar.value, radix: 16) + "}"
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out
    }

    /// Values with spaces, quotes, `=` or nothing at all are quoted so `key=value` stays parseable.
    static func quoteIfNeeded(_ value: String) -> String {
        let needsQuotes = value.isEmpty || value.unicodeScalars.contains {
            $0 == " " || $0 == "\"" || $0 == "=" || $0 == "\\" || $0.value < 0x20 || $0.value == 0x7F
        }
        guard needsQuotes else { return value }
        let escaped = escape(value.replacingBackslashesAndQuotes())
        return "\"" + escaped + "\""
    }
}

extension String {
    fileprivate func replacingBackslashesAndQuotes() -> String {
        var out = ""
        for character in self {
            switch character {
            case "\\": out += "\\\\"
            case "\"": out += "\\\""
            default: out.append(character)
            }
        }
        return out
    }
}
