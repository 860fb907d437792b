import Logging
import Synchronization

/// Records what reaches it, to check what a wrapping handler forwards.
final class LogCapture: Sendable {
    private let storage = Mutex<[LogEvent]>([])

    var events: [LogEvent] { storage.withLock { $0 } }
    var messages: [String] { events.map(\.message.description) }

    func append(_ event: LogEvent) {
        storage.withLock { $0.append(event) }
    }
}

struct CapturingLogHandler: LogHandler {
    let capture: LogCapture
    var logLevel: Logger.Level = .trace
    var metadata: Logger.Metadata = [:]
    var metadataProvider: Logger.MetadataProvider?

    subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    func log(event: LogEvent) {
        capture.append(event)
    }
}
