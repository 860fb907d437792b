#if canImport(Glibc)
import Glibc
#endif

/// A failure at the systemd boundary, as a value with a stable code so callers (and the acceptance
/// suite) can match on `code` instead of on prose; `errno` keeps the kernel's reason for operators.
public struct SystemdError: Error, Sendable, Equatable, CustomStringConvertible {
    /// `notify_failed`: `sd_notify` could not deliver to `NOTIFY_SOCKET`.
    public static let notifyFailedCode = "notify_failed"
    /// `journal_send_failed`: `sd_journal_sendv` could not deliver to journald.
    public static let journalSendFailedCode = "journal_send_failed"

    public let code: String
    /// The positive errno libsystemd reported (its return value negated).
    public let errno: Int32

    public init(code: String, errno: Int32) {
        self.code = code
        self.errno = errno
    }

    public static func notifyFailed(errno: Int32) -> SystemdError {
        SystemdError(code: notifyFailedCode, errno: errno)
    }

    public static func journalSendFailed(errno: Int32) -> SystemdError {
        SystemdError(code: journalSendFailedCode, errno: errno)
    }

    public var description: String {
        guard let reason = strerror(errno) else { return "\(code) (errno \(errno))" }
        return "\(code): \(String(cString: reason)) (errno \(errno))"
    }
}
