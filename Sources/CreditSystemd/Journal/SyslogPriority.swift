import Logging

/// The journal's `PRIORITY=` is a syslog level; `journalctl -p warning` and alerting filter on it.
public enum SyslogPriority {
    /// swift-log has no syslog `alert`/`emergency`; `critical` maps to `crit` (2) and `trace` shares
    /// `debug` (7) because syslog has nothing finer.
    public static func value(for level: Logger.Level) -> Int {
        switch level {
        case .trace, .debug: 7
        case .info: 6
        case .notice: 5
        case .warning: 4
        case .error: 3
        case .critical: 2
        }
    }
}
