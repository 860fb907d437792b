/// What the daemon implements to carry out admin commands, so that it stays the single writer of
/// the credit state and this HTTP layer stays free of the storage and model modules.
public protocol AdminBackend: Sendable {
    /// Applies (or, for `showCustomer`, reads) one command. Should not throw away detail: return
    /// `.failure` with a stable code (`not_found`, `conflict`, `unavailable`, ...). `requestId`
    /// is the client's `Idempotency-Key`: a change sent again under the same key is applied once.
    func perform(_ command: AdminCommand, requestId: String?) async -> AdminResult
}

extension AdminBackend {
    /// A command without a client's key (each call is a change of its own).
    public func perform(_ command: AdminCommand) async -> AdminResult {
        await perform(command, requestId: nil)
    }
}

/// The `Idempotency-Key` request header: 1-128 letters, digits and `.`, `_`, `:`, `-` (a UUID fits).
public enum IdempotencyKey {
    public static let header = "Idempotency-Key"

    private static let allowed = Set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._:-".utf8)

    public static func isValid(_ key: String) -> Bool {
        (1...128).contains(key.utf8.count) && key.utf8.allSatisfy(allowed.contains)
    }
}

/// The backend's answer: a JSON body for a 200, or an error mapped to its status and code.
public enum AdminResult: Sendable, Equatable {
    /// 200 with this body, sent as `application/json` unchanged.
    case success(body: [UInt8])
    case failure(AdminError)

    /// 200 with a JSON text body.
    public static func success(json: String) -> AdminResult {
        .success(body: Array(json.utf8))
    }
}

/// What `GET /report` (HTML) and `GET /v1/report` (JSON) ask for: the collection report as of a
/// date (the daemon's today when nil), over a period, for the book or one customer.
public struct ReportQuery: Sendable, Equatable {
    public var asOf: String?
    public var periodDays: Int?
    public var customer: String?
    public var html: Bool

    public init(asOf: String? = nil, periodDays: Int? = nil, customer: String? = nil, html: Bool) {
        self.asOf = asOf
        self.periodDays = periodDays
        self.customer = customer
        self.html = html
    }
}

/// Implemented by a backend that can render the collection report.
public protocol ReportBackend: Sendable {
    /// The report as an HTML page or a JSON object; failures with a stable code.
    func report(_ query: ReportQuery) async -> AdminResult
}
