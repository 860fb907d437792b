/// Decides whether a request may use the admin API, from its `Authorization` header.
///
/// Order of answers: no token configured → 403 `admin_disabled` (the API is off, whoever asks);
/// no usable `Bearer` credential → 401 `unauthorized`; a credential that does not match → 403
/// `forbidden`. The two refusals have different codes so a script can tell "forgot the token"
/// from "wrong token".
struct AdminAuthorizer: Sendable {
    private let token: [UInt8]?

    /// - Parameter token: the configured admin token; surrounding whitespace (the trailing newline
    ///   of a credentials file) is ignored, and a blank token disables the admin API.
    init(token: String?) {
        let trimmed = token?.trimmingWhitespace() ?? ""
        self.token = trimmed.isEmpty ? nil : Array(trimmed.utf8)
    }

    var isEnabled: Bool { token != nil }

    /// `nil` when the request is authorized.
    func check(authorizationHeader: String?) -> AdminError? {
        guard let token else {
            return AdminError(
                status: 403,
                code: AdminError.Code.adminDisabled,
                message: "the admin API is disabled: no admin token is configured"
            )
        }
        guard let presented = Self.bearerCredential(authorizationHeader) else {
            return AdminError(
                status: 401,
                code: AdminError.Code.unauthorized,
                message: "missing bearer token: send Authorization: Bearer <token>"
            )
        }
        guard ConstantTime.equals(Array(presented.utf8), token) else {
            return AdminError(status: 403, code: AdminError.Code.forbidden, message: "the bearer token is not valid")
        }
        return nil
    }

    /// The credential of a `Bearer` authorization (scheme case-insensitive, RFC 7235), or nil
    /// when the header is missing, uses another scheme, or carries no credential.
    static func bearerCredential(_ header: String?) -> String? {
        guard let header else { return nil }
        let trimmed = header.trimmingWhitespace()
        guard let space = trimmed.firstIndex(where: { $0 == " " || $0 == "\t" }) else { return nil }
        let scheme = trimmed[..<space]
        guard scheme.lowercased() == "bearer" else { return nil }
        let credential = String(trimmed[space...]).trimmingWhitespace()
        return credential.isEmpty ? nil : credential
    }
}
