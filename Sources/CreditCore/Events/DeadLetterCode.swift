/// Why an input message cannot be applied; exactly the codes of events.md, in the order checked.
public enum DeadLetterCode: String, Sendable, Codable, CaseIterable {
    case tooLarge = "too_large"
    case invalidJSON = "invalid_json"
    case invalidEnvelope = "invalid_envelope"
    case unknownType = "unknown_type"
    case missingField = "missing_field"
    case invalidField = "invalid_field"
    case invalidAmount = "invalid_amount"
    case unknownCurrency = "unknown_currency"
    case conflictingDuplicate = "conflicting_duplicate"
}

/// A message that cannot be applied: the code for the `creditd-error` header and a sentence
/// naming the field for `creditd-error-detail`.
public struct EventError: Error, Sendable, Equatable, CustomStringConvertible {
    public var code: DeadLetterCode
    public var detail: String

    public init(code: DeadLetterCode, detail: String) {
        self.code = code
        self.detail = detail
    }

    public var description: String { "\(code.rawValue): \(detail)" }

    /// A value from the message, quoted for the detail. Cut to its first 80 bytes: the
    /// detail travels as a header beside the original bytes, and quoting a huge value whole
    /// could make the dead letter too large for the broker to take.
    public static func quote(_ text: String) -> String {
        let limit = 80
        guard text.utf8.count > limit else { return "\"\(text)\"" }
        // Whole Unicode scalars up to 80 bytes: a character can be any number of scalars long.
        var kept = String.UnicodeScalarView()
        var bytes = 0
        for scalar in text.unicodeScalars {
            bytes += UTF8.width(scalar)
            guard bytes <= limit else { break }
            kept.append(scalar)
        }
        return "\"\(String(kept))\" (cut, \(text.utf8.count) bytes in all)"
    }
}
