/// Why a bureau answer, an imported row or an applied report was refused, with a stable code for
/// logs, metrics and the admin API, and a sentence naming the field.
public struct BureauReportError: Error, Sendable, Equatable, CustomStringConvertible {
    public enum Code: String, Sendable, Codable {
        /// The body is not a JSON object.
        case invalidJSON = "invalid_json"
        case missingField = "missing_field"
        case invalidField = "invalid_field"
        /// The report names another customer than the one asked for.
        case customerMismatch = "customer_mismatch"
        /// No FX rate turns its currency into the credit currency.
        case unknownCurrency = "unknown_currency"
        /// Older than the report the customer already has.
        case staleReport = "stale_report"
    }

    public var code: Code
    /// The field at fault, when there is one (`recommended_limit`).
    public var field: String?
    public var message: String

    public init(code: Code, field: String? = nil, message: String) {
        self.code = code
        self.field = field
        self.message = message
    }

    public var description: String { field.map { "\(code.rawValue): \($0): \(message)" } ?? "\(code.rawValue): \(message)" }
}
