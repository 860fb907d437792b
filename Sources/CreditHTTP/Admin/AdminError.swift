/// A refused or failed admin request, as the caller sees it: an HTTP status and a stable code that
/// scripts (and `creditctl`) branch on, plus a sentence for the operator.
///
/// The daemon's `AdminBackend` returns these too, so one error shape covers validation,
/// authorization and business failures alike.
public struct AdminError: Error, Sendable, Equatable {
    /// HTTP status, 400...599. Anything else is answered as 500 `internal`.
    public var status: Int
    /// Stable machine-readable code; see `AdminError.Code`.
    public var code: String
    /// Human sentence; may change wording between releases, unlike `code`.
    public var message: String
    /// The request field at fault (`amount`, `reports[2].as_of`), when there is one.
    public var field: String?

    public init(status: Int, code: String, message: String, field: String? = nil) {
        self.status = status
        self.code = code
        self.message = message
        self.field = field
    }

    /// The stable codes. They are strings, not an enum, so the backend can add its own without a
    /// change here; these are the ones the HTTP layer itself produces or maps.
    public enum Code {
        public static let unauthorized = "unauthorized"
        public static let forbidden = "forbidden"
        public static let adminDisabled = "admin_disabled"
        public static let invalidJSON = "invalid_json"
        public static let missingField = "missing_field"
        public static let invalidField = "invalid_field"
        public static let invalidAmount = "invalid_amount"
        public static let notFound = "not_found"
        public static let methodNotAllowed = "method_not_allowed"
        public static let payloadTooLarge = "payload_too_large"
        public static let conflict = "conflict"
        public static let unavailable = "unavailable"
        public static let `internal` = "internal"
    }
}

extension AdminError {
    /// 404: the customer or order does not exist.
    public static func notFound(_ message: String) -> AdminError {
        AdminError(status: 404, code: Code.notFound, message: message)
    }

    /// 409: the request contradicts the current state (e.g. releasing an order that is not held).
    public static func conflict(_ message: String) -> AdminError {
        AdminError(status: 409, code: Code.conflict, message: message)
    }

    /// 503: the daemon cannot take the command now (starting, stopping, database busy).
    public static func unavailable(_ message: String) -> AdminError {
        AdminError(status: 503, code: Code.unavailable, message: message)
    }

    /// 500: an unexpected failure; the detail belongs in the log, not in the response.
    public static func internalError(_ message: String = "internal error") -> AdminError {
        AdminError(status: 500, code: Code.internal, message: message)
    }

    static func missingField(_ field: String) -> AdminError {
        AdminError(status: 400, code: Code.missingField, message: "\(field) is required", field: field)
    }

    static func invalidField(_ field: String, _ message: String) -> AdminError {
        AdminError(status: 400, code: Code.invalidField, message: "\(field): \(message)", field: field)
    }

    static func invalidAmount(_ field: String, _ message: String) -> AdminError {
        AdminError(status: 400, code: Code.invalidAmount, message: "\(field): \(message)", field: field)
    }
}
