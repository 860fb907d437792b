import CreditCore
import CreditHTTP
import Logging
import ServiceLifecycle

/// Refreshes the collection gauges of /metrics (DSO, CEI, aging...) every few minutes from the
/// history tables, off the event path (a read through the pool never blocks the writer).
public final class CollectionGaugesService: Service, Sendable {
    let processor: BatchProcessor
    let metrics: CreditMetrics
    let logger: Logger
    let interval: Duration

    public init(processor: BatchProcessor, metrics: CreditMetrics, logger: Logger, interval: Duration = .seconds(300)) {
        self.processor = processor
        self.metrics = metrics
        self.logger = logger
        self.interval = interval
    }

    public func run() async throws {
        var wait = Duration.seconds(10)
        while !Task.isCancelled && !Task.isShuttingDownGracefully {
            let pause = wait
            try? await cancelWhenGracefulShutdown { try await Task.sleep(for: pause) }
            if Task.isCancelled || Task.isShuttingDownGracefully { break }
            wait = interval
            do {
                try CollectionReporting.publishGauges(database: processor.database, policy: processor.currentPolicy,
                                                      clock: processor.config.clock, metrics: metrics)
            } catch {
                logger.warning("collection gauges not refreshed", metadata: ["error": "\(error)"])
            }
        }
    }
}
