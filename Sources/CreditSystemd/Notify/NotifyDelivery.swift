/// What happened to one notification. A daemon started outside systemd is normal (development,
/// `creditd replay`), so "nobody listens" is an outcome, not an error; a real delivery failure is
/// returned rather than thrown because a missed status line must never stop the credit engine.
public enum NotifyDelivery: Sendable, Equatable {
    /// systemd received the datagram.
    case sent
    /// `NOTIFY_SOCKET` is unset: not started by systemd as `Type=notify`; nothing was sent.
    case notUnderSystemd
    /// `NOTIFY_SOCKET` is set but the send failed (code `notify_failed`).
    case failed(SystemdError)
}
