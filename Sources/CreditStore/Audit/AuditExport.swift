import CreditCore

/// The forms `creditctl audit show` and `audit export` print.
///
/// Exports carry every stored column, the body as its exact stored text, so an auditor can
/// re-compute the chain from the export alone (docs/schema.md gives the rule).
public enum AuditExport {
    public enum Format: String, Sendable, CaseIterable {
        case jsonl
        case csv
    }

    public static let columns = ["sequence", "time", "customer_id", "kind", "actor", "causation_id",
                                 "policy_version", "body", "prev_hash", "hash"]

    /// The whole export as one string (each line terminated; CSV with its header).
    public static func render(_ entries: [AuditEntry], as format: Format) -> String {
        var out = format == .csv ? csvHeader : ""
        for entry in entries { out += line(entry, as: format) }
        return out
    }

    /// One entry as one terminated line of `format`, for streaming exports.
    public static func line(_ entry: AuditEntry, as format: Format) -> String {
        switch format {
        case .jsonl: jsonLine(entry) + "\n"
        case .csv: csvRow(entry)
        }
    }

    // MARK: - JSON lines

    /// One compact JSON object, members in column order, no newline.
    public static func jsonLine(_ entry: AuditEntry) -> String {
        JSONValue.object(members(entry, body: .string(entry.body))).jsonText
    }

    /// The stored columns in column order, with `body` as given (its exact text, or parsed).
    static func members(_ entry: AuditEntry, body: JSONValue) -> [JSONMember] {
        [
            JSONMember("sequence", .number(String(entry.sequence))),
            JSONMember("time", .string(entry.storedTime)),
            JSONMember("customer_id", .string(entry.customerId)),
            JSONMember("kind", .string(entry.kind.rawValue)),
            JSONMember("actor", .string(entry.actor)),
            JSONMember("causation_id", .string(entry.causationId)),
            JSONMember("policy_version", .string(entry.policyVersion)),
            JSONMember("body", body),
            JSONMember("prev_hash", .string(entry.previousHash)),
            JSONMember("hash", .string(entry.hash)),
        ]
    }

    // MARK: - One document (`audit show --json`)

    /// The entries as one JSON document, `{"entries": [...]}`, as the other `--json` outputs are
    /// one document. Each entry has the export's members, but `body` parsed into its object so a
    /// script can read the figures without parsing twice; `audit export` keeps the exact text
    /// the hash covers.
    public static func document(_ entries: [AuditEntry]) -> JSONValue {
        // Only an altered row holds a body that is not JSON: shown as its text.
        .object([JSONMember("entries", .array(entries.map { .object(members($0, body: $0.bodyValue ?? .string($0.body))) }))])
    }

    // MARK: - CSV (RFC 4180)

    /// The header line, CRLF-terminated.
    public static var csvHeader: String { columns.joined(separator: ",") + "\r\n" }

    /// One record, CRLF-terminated; fields with a comma, quote, CR or LF are quoted, quotes doubled.
    public static func csvRow(_ entry: AuditEntry) -> String {
        [String(entry.sequence), entry.storedTime, entry.customerId, entry.kind.rawValue, entry.actor,
         entry.causationId, entry.policyVersion, entry.body, entry.previousHash, entry.hash]
            .map(csvField).joined(separator: ",") + "\r\n"
    }

    public static func csvField(_ text: String) -> String {
        let needsQuotes = text.utf8.contains { $0 == UInt8(ascii: ",") || $0 == UInt8(ascii: "\"") || $0 == 0x0A || $0 == 0x0D }
        guard needsQuotes else { return text }
        return "\"" + text.replacing("\"", with: "\"\"") + "\""
    }

    // MARK: - Readable table

    /// A table for a terminal: sequence, time, customer, kind, actor, cause and the reasons in
    /// short; the hash shortened to its first 12 digits.
    public static func table(_ entries: [AuditEntry]) -> String {
        let header = ["SEQ", "TIME", "CUSTOMER", "KIND", "ACTOR", "CAUSE", "POLICY", "HASH", "REASONS"]
        let rows = entries.map { entry in
            [String(entry.sequence), entry.time.rfc3339, entry.customerId, entry.kind.rawValue, entry.actor,
             entry.causationId, entry.policyVersion, String(entry.hash.prefix(12)), reasonSummary(entry)]
                .map(singleLine)
        }
        var widths = header.map(\.count)
        for row in rows {
            for (column, cell) in row.enumerated() { widths[column] = max(widths[column], cell.count) }
        }
        func format(_ cells: [String]) -> String {
            var line = ""
            for (column, cell) in cells.enumerated() {
                if column == cells.count - 1 {
                    line += cell
                } else {
                    line += cell + String(repeating: " ", count: widths[column] - cell.count + 2)
                }
            }
            return line
        }
        var out = format(header) + "\n"
        for row in rows { out += format(row) + "\n" }
        return out
    }

    /// Reasons as `code: message; …` (or just one of the two when the other is absent). An
    /// alert's own code comes first: its reasons are what lies behind it (a downgrade's are the
    /// score's), and the reader of the table looks for the alert.
    static func reasonSummary(_ entry: AuditEntry) -> String {
        var items: [String] = []
        // Not again when its first reason is under the same code (`REVIEW_OVERDUE: …`).
        if entry.kind == .alert, let code = entry.bodyValue?["data"]?["code"]?.stringValue,
           entry.reasons.first?["code"]?.stringValue != code {
            items.append(code)
        }
        return (items + entry.reasons.map { reason -> String in
            switch reason {
            case .string(let text): return text
            case .object:
                let code = reason["code"]?.stringValue
                let message = reason["message"]?.stringValue
                switch (code, message) {
                case let (code?, message?): return "\(code): \(message)"
                case let (code?, nil): return code
                case let (nil, message?): return message
                default: return reason.jsonText
                }
            default: return reason.jsonText
            }
        }).joined(separator: "; ")
    }

    private static func singleLine(_ text: String) -> String {
        guard text.contains(where: \.isNewline) else { return text }
        return String(text.map { $0.isNewline ? " " : $0 })
    }
}
