import CreditCore
import CreditHTTP
import CreditStore
import Foundation
import Logging
import ServiceLifecycle

/// Drives the scheduler with the wall clock: at start-up and at every tick time it runs the tick
/// one chunk of customers per transaction, letting the consumer's batches in between, so event
/// processing never waits for more than one chunk. With `clock: event` the ticks are run by the
/// events themselves (see `BatchProcessor.process`) and this service only idles.
public final class SchedulerService: Service, Sendable {
    let processor: BatchProcessor
    let doorbell: RelayDoorbell
    let logger: Logger
    let metrics: CreditMetrics?
    let decisionLog: DecisionLog

    public init(processor: BatchProcessor, doorbell: RelayDoorbell, logger: Logger, metrics: CreditMetrics? = nil) {
        self.processor = processor
        self.doorbell = doorbell
        self.logger = logger
        self.metrics = metrics
        self.decisionLog = DecisionLog(logger: logger)
    }

    public func run() async throws {
        guard processor.config.clock == .wall else {
            // Nothing to drive; stay up until shutdown (a finished service would stop the group).
            try? await gracefulShutdown()
            return
        }
        while !Task.isCancelled && !Task.isShuttingDownGracefully {
            let now = Timestamp.wallClockNow()
            let step: (outcome: BatchProcessor.Outcome, busy: Bool)
            do {
                step = try processor.schedulerStep(wallNow: now)
            } catch {
                logger.critical("scheduler storage failure; stopping", metadata: ["error.code": "\(error.code.rawValue)", "error": "\(error.message)"])
                throw error
            }
            if !step.outcome.outputs.isEmpty {
                doorbell.ring()
                decisionLog.record(step.outcome)
                for output in step.outcome.outputs { metrics?.decision(type: output.type.rawValue) }
            }
            for tick in step.outcome.ticksAbandoned {
                logger.warning("an unfinished scheduler tick is not resumed: a newer tick is due, which visits the customers it left",
                               metadata: ["tick": "\(tick.rfc3339)"])
            }
            for tick in step.outcome.ticksRun {
                metrics?.schedulerRun()
                logger.notice("scheduler tick finished", metadata: ["tick": "\(tick.rfc3339)"])
            }
            if step.busy {
                await Task.yield()
                continue
            }
            // Sleep until the next tick (at most a minute, so a clock change is noticed).
            let next = TickSchedule(policy: processor.currentPolicy).nextTick(after: now)
            let wait = min(max(next.microsecondsSinceEpoch - Timestamp.wallClockNow().microsecondsSinceEpoch, 1000), 60_000_000)
            try? await cancelWhenGracefulShutdown { try await Task.sleep(for: .microseconds(wait)) }
        }
    }
}
