import CreditCore

/// Why one customer's report was not fetched, with a stable code for logs, metrics and the store.
public struct BureauFetchError: Error, Sendable, Equatable, CustomStringConvertible {
    public enum Code: String, Sendable, Codable, CaseIterable {
        /// The request took longer than `bureau.timeout` (connect, send and answer together).
        case timeout
        /// The connection was refused or broke before an answer.
        case connectionFailed = "connection_failed"
        /// The endpoint answered a status other than 200 or 404 (`status` says which).
        case httpStatus = "http_status"
        /// A 200 whose body is not a report (`bodyError` says which field).
        case malformedBody = "malformed_body"
        /// The circuit breaker is open: no request was sent (`retryAt` says when to try again).
        case breakerOpen = "breaker_open"
        /// Today's request budget is spent: no request was sent (`nextDay` says when to try again).
        case budgetSpent = "budget_spent"
        /// `bureau.token_file` could not be read: no request was sent; an operator must look.
        case tokenUnreadable = "token_unreadable"
        /// The bureau is disabled, or `bureau.url` is missing or not an http(s) URL: no request was sent.
        case notConfigured = "not_configured"
        /// The task was cancelled (the daemon is stopping).
        case cancelled
    }

    public var code: Code
    /// The HTTP status of the last answer, when there was one.
    public var status: Int?
    /// The body's problem for `malformed_body`.
    public var bodyError: BureauReportError?
    /// For `breaker_open`: when the breaker lets a probe through (nil: when the probe in flight reports).
    public var retryAt: Timestamp?
    /// For `budget_spent`: the first UTC day with budget again.
    public var nextDay: LocalDate?
    /// HTTP requests actually sent for this fetch (retries included).
    public var attempts: Int
    public var message: String

    public init(code: Code, status: Int? = nil, bodyError: BureauReportError? = nil, retryAt: Timestamp? = nil,
                nextDay: LocalDate? = nil, attempts: Int, message: String) {
        self.code = code
        self.status = status
        self.bodyError = bodyError
        self.retryAt = retryAt
        self.nextDay = nextDay
        self.attempts = attempts
        self.message = message
    }

    /// Whether the gate, not the bureau, stopped the fetch: nothing is wrong with the customer.
    public var isGateRejection: Bool { code == .breakerOpen || code == .budgetSpent }

    public var description: String { "\(code.rawValue): \(message)" }
}
