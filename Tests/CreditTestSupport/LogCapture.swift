import Logging
import Synchronization

/// Collects log records so tests can assert what an operator would see.
public final class LogCapture: Sendable {
    public struct Record: Equatable, Sendable {
        public var level: Logger.Level
        public var message: String
        public var metadata: [String: String]
    }

    private let records = Mutex<[Record]>([])

    public init() {}

    public var all: [Record] { records.withLock { $0 } }

    /// Waits until a record matching `condition` has been logged (or was already); false after
    /// `timeout`. Polls: log lines from a C library's threads come at their own pace.
    public func waitFor(timeout: Duration, _ condition: (Record) -> Bool) async -> Bool {
        let deadline = ContinuousClock.now + timeout
        while true {
            if all.contains(where: condition) { return true }
            if ContinuousClock.now >= deadline { return false }
            try? await Task.sleep(for: .milliseconds(20))
        }
    }

    public func warnings(containing text: String) -> [Record] {
        all.filter { $0.level == .warning && $0.message.contains(text) }
    }

    public func logger(label: String = "test") -> Logger {
        Logger(label: label) { _ in Handler(capture: self) }
    }

    fileprivate func append(_ record: Record) { records.withLock { $0.append(record) } }

    private struct Handler: LogHandler {
        let capture: LogCapture
        var metadata: Logger.Metadata = [:]
        var logLevel: Logger.Level = .trace

        subscript(metadataKey key: String) -> Logger.Metadata.Value? {
            get { metadata[key] }
            set { metadata[key] = newValue }
        }

        func log(event: LogEvent) {
            var flat: [String: String] = [:]
            for (key, value) in metadata.merging(event.metadata ?? [:], uniquingKeysWith: { $1 }) { flat[key] = "\(value)" }
            capture.append(Record(level: event.level, message: "\(event.message)", metadata: flat))
        }
    }
}
