extension AlertSeverity {
    /// The syslog / journald priority (`PRIORITY=`) an alert is logged at, so `journalctl -p
    /// warning` shows escalations and `-p crit` only what needs someone now.
    public var journalPriority: Int {
        switch self {
        case .info: 6      // LOG_INFO
        case .warning: 4   // LOG_WARNING
        case .critical: 2  // LOG_CRIT
        }
    }
}

extension OutputEvent {
    /// The severity of a `credit.alert` (nil for other types), for the daemon's journal line.
    public var alertSeverity: AlertSeverity? {
        guard type == .alert, let text = data["severity"]?.stringValue else { return nil }
        return AlertSeverity(rawValue: text)
    }
}
