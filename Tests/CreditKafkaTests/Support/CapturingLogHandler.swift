import Logging
import Synchronization

/// Keeps log records in memory so a test can assert what librdkafka said and at which level.
struct CapturingLogHandler: LogHandler {
    struct Record: Sendable {
        var level: Logger.Level
        var message: String
        var metadata: Logger.Metadata
    }

    final class Store: Sendable {
        private let records = Mutex<[Record]>([])
        private let waiters = Mutex<[(@Sendable (Record) -> Bool, Waiter)]>([])

        func append(_ record: Record) {
            records.withLock { $0.append(record) }
            let met = waiters.withLock { waiters in
                var met: [Waiter] = []
                waiters.removeAll { condition, waiter in
                    guard condition(record) else { return false }
                    met.append(waiter)
                    return true
                }
                return met
            }
            for waiter in met { waiter.finish(true) }
        }

        var all: [Record] { records.withLock { $0 } }

        /// Waits for a record matching `condition` (including one already logged).
        func waitFor(timeout: Duration, _ condition: @escaping @Sendable (Record) -> Bool) async -> Bool {
            let waiter = Waiter()
            waiters.withLock { $0.append((condition, waiter)) }
            if all.contains(where: condition) { waiter.finish(true) }
            return await waiter.result(timeout: timeout)
        }
    }

    let store: Store
    var metadata: Logger.Metadata = [:]
    var logLevel: Logger.Level = .trace

    subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    func log(event: LogEvent) {
        store.append(Record(level: event.level, message: "\(event.message)", metadata: metadata.merging(event.metadata ?? [:]) { $1 }))
    }

    static func logger(_ label: String = "test") -> (Logger, Store) {
        let store = Store()
        return (Logger(label: label) { _ in CapturingLogHandler(store: store) }, store)
    }
}

/// Tests log warnings and above to stderr, so a failing run shows what librdkafka complained about.
let testLogger: Logger = {
    var logger = Logger(label: "creditd.kafka.test") { StreamLogHandler.standardError(label: $0) }
    logger.logLevel = .warning
    return logger
}()
