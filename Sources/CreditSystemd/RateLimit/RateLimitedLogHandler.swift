import Logging

/// Puts a `LogRateGate` in front of any handler: routine lines over budget are dropped, and the
/// "suppressed N messages" summaries that fall due are written (at `notice`) before the next line.
public struct RateLimitedLogHandler<Inner: LogHandler>: LogHandler {
    public var inner: Inner
    public let label: String
    public let gate: LogRateGate

    public init(label: String, inner: Inner, gate: LogRateGate) {
        self.label = label
        self.inner = inner
        self.gate = gate
    }

    public var logLevel: Logger.Level {
        get { inner.logLevel }
        set { inner.logLevel = newValue }
    }

    public var metadata: Logger.Metadata {
        get { inner.metadata }
        set { inner.metadata = newValue }
    }

    public var metadataProvider: Logger.MetadataProvider? {
        get { inner.metadataProvider }
        set { inner.metadataProvider = newValue }
    }

    public subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { inner[metadataKey: key] }
        set { inner[metadataKey: key] = newValue }
    }

    public func log(event: LogEvent) {
        let admission = gate.admit(label: label, level: event.level)
        for suppression in admission.summaries {
            inner.log(
                event: LogEvent(
                    level: .notice, message: "\(suppression.message)", metadata: suppression.metadata,
                    source: "CreditSystemd", file: #fileID, function: #function, line: #line
                )
            )
        }
        if admission.verdict == .emit {
            inner.log(event: event)
        }
    }
}
