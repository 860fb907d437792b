/// What the daemon implements to carry out admin commands, so that it stays the single writer of
/// the credit state and this HTTP layer stays free of the storage and model modules.
public protocol AdminBackend: Sendable {
    /// Applies (or, for `showCustomer`, reads) one command. Should not throw away detail: return
    /// `.failure` with a stable code (`not_found`, `conflict`, `unavailable`, ...).
    func perform(_ command: AdminCommand) async -> AdminResult
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
