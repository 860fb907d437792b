/// Reading the bureau endpoint's answer (docs/bureau.md): what an HTTP status means for the
/// caller, and the JSON body as a `BureauReport`.
public enum BureauResponse {
    /// What the daemon does with an HTTP status.
    public enum Outcome: Sendable, Equatable {
        /// 200: read the body as a report; the bureau is healthy.
        case report
        /// 404: the bureau has no report for this customer. The bureau is healthy; do not retry
        /// before the refresh age.
        case noReport
        /// 408, 429, 5xx: the bureau is struggling; retry with back-off, count a breaker failure.
        case retry
        /// Any other status (400, 401, 403...): a configuration problem; do not retry, alert the operator.
        case reject
    }

    public static func outcome(status: Int) -> Outcome {
        switch status {
        case 200: .report
        case 404: .noReport
        case 408, 429, 500...599: .retry
        default: .reject
        }
    }

    /// Parses a 200 body for `customerId`. Unknown members are ignored (adapters may pass more of
    /// the bureau's product through); `customer_id`, when present, must be the customer asked for.
    public static func parse(_ body: some Collection<UInt8>, customerId: String, source: String? = nil) -> Result<BureauReport, BureauReportError> {
        let object: JSONValue
        switch JSONParser.parse(body) {
        case .failure(let error):
            return .failure(BureauReportError(code: .invalidJSON, message: "the body is not JSON: \(error.message) at byte \(error.offset)"))
        case .success(let value):
            object = value
        }
        guard case .object = object else {
            return .failure(BureauReportError(code: .invalidJSON, message: "the body must be a JSON object, not \(object.kindName)"))
        }
        if let named = object["customer_id"], named != .null {
            guard case .string(let id) = named else {
                return .failure(BureauReportError(code: .invalidField, field: "customer_id", message: "must be a string, not \(named.kindName)"))
            }
            guard id == customerId else {
                return .failure(BureauReportError(code: .customerMismatch, field: "customer_id", message: "the report is for \(id), not \(customerId)"))
            }
        }
        do throws(BureauReportError) {
            let scoreText = try member(object, "score", number: true)
            let score = try BureauReportFields.score(scoreText).get()
            let currency = try BureauReportFields.currency(try member(object, "currency")).get()
            let limit = try BureauReportFields.recommendedLimit(try member(object, "recommended_limit"), currency: currency).get()
            guard let derogatoryValue = object["derogatory"], derogatoryValue != .null else {
                throw BureauReportError(code: .missingField, field: "derogatory", message: "is required")
            }
            guard case .bool(let derogatory) = derogatoryValue else {
                throw BureauReportError(code: .invalidField, field: "derogatory", message: "must be true or false, not \(derogatoryValue.kindName)")
            }
            let asOf = try BureauReportFields.asOf(try member(object, "as_of")).get()
            return .success(BureauReport(score: score, recommendedLimit: limit, currency: currency, derogatory: derogatory,
                                         asOf: asOf, source: source))
        } catch {
            return .failure(error)
        }
    }

    /// A required member's text: a JSON string, or (for `number`) a JSON number.
    private static func member(_ object: JSONValue, _ key: String, number: Bool = false) throws(BureauReportError) -> String {
        guard let value = object[key], value != .null else {
            throw BureauReportError(code: .missingField, field: key, message: "is required")
        }
        switch value {
        case .number(let text) where number: return text
        case .string(let text) where !number: return text
        default:
            throw BureauReportError(code: .invalidField, field: key, message: "must be \(number ? "a number" : "a string"), not \(value.kindName)")
        }
    }
}
