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
}
