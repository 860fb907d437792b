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

    public init(status: DaemonStatus, notifier: SystemdNotifier, logger: Logger, statusInterval: Duration = .seconds(5)) {
        self.status = status
        self.notifier = notifier
        self.logger = logger
        self.statusInterval = statusInterval
    }

    public func run() async throws {
        let watchdog = notifier.watchdogInterval
        let tick = min(statusInterval, watchdog.map { $0 / 2 } ?? statusInterval, .milliseconds(500))
        var ready = false
        var lastStatus = ContinuousClock.now - statusInterval
        var lastCount = status.eventsApplied
        var lastCountAt = ContinuousClock.now
        var rate = 0.0
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
                    _ = notifier.status(status.summary(eventsPerSecond: rate))
                }
                if let watchdog {
                    let progress = status.lastProgress
                    if progress.idle || now - progress.at < watchdog {
                        _ = notifier.watchdog()
                    } else {
                        logger.critical("processing loop stalled; withholding the watchdog ping",
                                        metadata: ["stalled_for": "\(now - progress.at)"])
                    }
                }
                try? await Task.sleep(for: tick)
            }
        } onGracefulShutdown: {
            _ = self.notifier.stopping()
        }
    }
}
