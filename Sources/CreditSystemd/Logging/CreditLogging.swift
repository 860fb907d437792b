import Logging

/// Chooses and installs the process's log handler once, at startup.
public enum CreditLogging {
    public enum Destination: String, Sendable, Equatable {
        /// Native structured entries (`sd_journal_sendv`).
        case journal
        /// Plain single lines on stderr.
        case standardError
    }

    /// `journal` when stderr is the stream systemd connected to journald (`JOURNAL_STREAM`).
    public static func detectDestination() -> Destination {
        JournalStream.isStandardErrorConnected() ? .journal : .standardError
    }

    /// Installs the handler for every `Logger` (swift-log allows this once per process).
    ///
    /// - Parameters:
    ///   - level: the lowest level written.
    ///   - rateLimit: the budget for routine lines, or nil for no limiting (tests, `replay`).
    ///   - destination: forces a destination; detected when nil.
    /// - Returns: the shared gate, so the daemon can `reportSuppressed(to:)` on shutdown.
    @discardableResult
    public static func bootstrap(
        level: Logger.Level,
        rateLimit: LogRateLimiter.Configuration? = .routine,
        destination: Destination? = nil,
        identifier: String = "creditd"
    ) -> LogRateGate? {
        let destination = destination ?? detectDestination()
        let gate = rateLimit.map { LogRateGate(configuration: $0) }
        LoggingSystem.bootstrap { label in
            makeHandler(label: label, level: level, destination: destination, identifier: identifier, gate: gate)
        }
        return gate
    }

    /// The handler `bootstrap` installs, for callers that build their own `Logger`s.
    public static func makeHandler(
        label: String, level: Logger.Level, destination: Destination,
        identifier: String = "creditd", gate: LogRateGate?
    ) -> any LogHandler {
        switch destination {
        case .journal:
            var handler = JournalLogHandler(label: label, identifier: identifier)
            handler.logLevel = level
            return limited(handler, label: label, gate: gate)
        case .standardError:
            var handler = StderrLogHandler(label: label)
            handler.logLevel = level
            return limited(handler, label: label, gate: gate)
        }
    }

    private static func limited<H: LogHandler>(_ handler: H, label: String, gate: LogRateGate?) -> any LogHandler {
        guard let gate else { return handler }
        return RateLimitedLogHandler(label: label, inner: handler, gate: gate)
    }
}
