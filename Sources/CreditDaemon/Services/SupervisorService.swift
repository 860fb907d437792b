import CreditHTTP
import CreditStore
import CreditSystemd
import Logging
import ServiceLifecycle

/// Talks to systemd: `READY=1` once the database is open and the group is joined, `STATUS=` every
/// few seconds, `WATCHDOG=1` only while the processing loop makes progress or idles healthily (a
/// wedged loop stops the pings and systemd restarts the process), `STOPPING=1` on shutdown.
public final class SupervisorService: Service, Sendable {
    let status: DaemonStatus
    let notifier: SystemdNotifier
    let logger: Logger
    let statusInterval: Duration
    let database: CreditDatabase?
    let metrics: CreditMetrics?
    /// When librdkafka's poll thread last came back from a poll (`KafkaConsumer.lastPoll`).
    let lastPoll: (@Sendable () -> ContinuousClock.Instant)?

    public init(status: DaemonStatus, notifier: SystemdNotifier, logger: Logger, database: CreditDatabase? = nil,
                metrics: CreditMetrics? = nil, statusInterval: Duration = .seconds(5),
                lastPoll: (@Sendable () -> ContinuousClock.Instant)? = nil) {
        self.lastPoll = lastPoll
        self.database = database
        self.metrics = metrics
        self.status = status
        self.notifier = notifier
        self.logger = logger
        self.statusInterval = statusInterval
    }

    public func run() async throws {
        let watchdog = WatchdogService.fromEnvironment(notifier: notifier)
        if let watchdog {
            logger.info("systemd watchdog armed", metadata: ["interval": "\(watchdog.interval)"])
        }
        let tick = min(statusInterval, watchdog.map { $0.interval / 4 } ?? statusInterval, .milliseconds(500))
        let pinger = Task { await watchdog?.run() }
        defer { pinger.cancel() }
        var ready = false
        var lastStatus = ContinuousClock.now - statusInterval
        var lastCount = status.eventsApplied
        var lastCountAt = ContinuousClock.now
        var rate = 0.0
        var health = LoopHealth(start: ContinuousClock.now)
        await withGracefulShutdownHandler {
            while !Task.isCancelled && !Task.isShuttingDownGracefully {
                let now = ContinuousClock.now
                if !ready, status.isJoined {
                    ready = true
                    _ = notifier.ready()
                    logger.notice("ready: database open, consumer group joined",
                                  metadata: ["partitions": "\(status.assignedPartitions.map(\.description))"])
                }
                if now - lastStatus >= statusInterval {
                    let count = status.eventsApplied
                    let seconds = Double((now - lastCountAt).components.seconds) + Double((now - lastCountAt).components.attoseconds) / 1e18
                    if seconds > 0 { rate = Double(count - lastCount) / seconds }
                    lastCount = count
                    lastCountAt = now
                    lastStatus = now
                    if let database {
                        let writable = database.isWritable()
                        if !writable && status.databaseWritable {
                            logger.error("the database is not writable", metadata: ["database": "\(database.path)"])
                        }
                        status.databaseWritable(writable)
                        if let backlog = try? database.read({ db in try Outbox.backlog(db) }) {
                            status.outboxBacklog(backlog)
                            metrics?.outboxBacklog(backlog)
                        }
                        if let refused = try? database.read({ db in try RefusedOutbox.count(db) }) {
                            status.outboxRefused(refused)
                            metrics?.outboxRefused(refused)
                        }
                    }
                    _ = notifier.status(status.summary(eventsPerSecond: rate))
                }
                if let watchdog {
                    // Progress is reported by the loop itself after each batch; here we vouch only
                    // for a loop that is waiting for messages. A loop stuck inside a batch gets
                    // neither, so the pings stop and systemd restarts the process.
                    let progress = status.lastProgress
                    switch health.check(now: now, progressAt: progress.at, idle: progress.idle, lastPoll: lastPoll?(),
                                        interval: watchdog.interval) {
                    case .progressMade: watchdog.report(.progressMade)
                    case .idleHealthy: watchdog.report(.idleHealthy)
                    case .stalled(let pollThread):
                        if pollThread {
                            logger.critical("the Kafka poll thread stopped returning; withholding the watchdog ping",
                                            metadata: ["last_poll": "\(lastPoll.map { now - $0() }.map { "\($0) ago" } ?? "never")"])
                        } else {
                            logger.critical("processing loop stalled; withholding the watchdog ping",
                                            metadata: ["stalled_for": "\(now - progress.at)"])
                        }
                        watchdog.report(.loopStalled)
                    case .none: break
                    }
                }
                try? await Task.sleep(for: tick)
            }
        } onGracefulShutdown: {
            _ = self.notifier.stopping()
        }
    }
}
