import CSystemd

#if canImport(Glibc)
import Glibc
#endif

/// Tells systemd about the daemon's lifecycle (`Type=notify`) through libsystemd's `sd_notify`, which
/// reads `NOTIFY_SOCKET` on every call: outside systemd each call is a cheap no-op.
///
/// The environment is never unset, so helpers started later (none today) could not notify either way,
/// and the watchdog can keep reading `WATCHDOG_USEC`.
public struct SystemdNotifier: Sendable {
    public init() {}

    /// Whether a service manager listens (`NOTIFY_SOCKET` is set).
    public var isUnderSystemd: Bool {
        getenv("NOTIFY_SOCKET") != nil
    }

    /// The `WatchdogSec=` systemd enforces on this process, or nil when no watchdog applies (unset,
    /// or `WATCHDOG_PID` names another process). Pings belong at half of it.
    public var watchdogInterval: Duration? {
        var usec: UInt64 = 0
        guard sd_watchdog_enabled(0, &usec) > 0, usec > 0 else { return nil }
        return .microseconds(Int64(clamping: usec))
    }

    /// Startup is complete: joined the consumer group and opened the database.
    @discardableResult
    public func ready() -> NotifyDelivery {
        send("READY=1")
    }

    /// A one-line summary shown by `systemctl status` (partitions, events/s, lag). Newlines would
    /// start a new assignment in the protocol, so they are folded into spaces.
    @discardableResult
    public func status(_ line: String) -> NotifyDelivery {
        send("STATUS=" + Self.singleLine(line))
    }

    /// The keep-alive ping; send it only while the main loop is healthy (see `WatchdogService`).
    @discardableResult
    public func watchdog() -> NotifyDelivery {
        send("WATCHDOG=1")
    }

    /// A SIGHUP reload has begun; send `ready()` when it is done. systemd ≥ 253 wants the monotonic
    /// timestamp alongside so it can match the reload to this message.
    @discardableResult
    public func reloading() -> NotifyDelivery {
        send("RELOADING=1\nMONOTONIC_USEC=\(MonotonicClock.nowMicroseconds())")
    }

    /// Shutdown has begun (SIGTERM/SIGINT): systemd stops expecting watchdog pings on its schedule.
    @discardableResult
    public func stopping() -> NotifyDelivery {
        send("STOPPING=1")
    }

    /// Asks for more time before `TimeoutStartSec=`/`TimeoutStopSec=` fires, e.g. during a long
    /// migration or while the outbox drains on shutdown.
    @discardableResult
    public func extendTimeout(by extra: Duration) -> NotifyDelivery {
        let (seconds, attoseconds) = extra.components
        let micros = max(0, seconds) * 1_000_000 + max(0, attoseconds) / 1_000_000_000_000
        return send("EXTEND_TIMEOUT_USEC=\(micros)")
    }

    /// Sends raw newline-separated assignments; the named methods above cover the daemon's needs.
    @discardableResult
    public func send(_ state: String) -> NotifyDelivery {
        let result = sd_notify(0, state)
        if result > 0 { return .sent }
        if result == 0 { return .notUnderSystemd }
        return .failed(.notifyFailed(errno: -result))
    }

    static func singleLine(_ text: String) -> String {
        String(text.map { $0.isNewline ? " " : $0 })
    }
}
