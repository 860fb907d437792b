import Synchronization

/// Runs a `WatchdogStateMachine` against a clock and sends the pings it asks for.
///
/// The daemon's main loop calls `report(_:)` after each poll; `run()` runs beside it (a task, or a
/// ServiceLifecycle service: it has `run()` and ends on task cancellation, so
/// `extension WatchdogService: Service {}` with `cancelOnGracefulShutdown` fits). Reports are cheap
/// (a lock and a comparison) so the hot loop can call them on every iteration.
public final class WatchdogService<C: Clock>: Sendable where C.Duration == Duration {
    private let clock: C
    private let start: C.Instant
    private let notifier: SystemdNotifier
    private let machine: Mutex<WatchdogStateMachine>

    public init(interval: Duration, notifier: SystemdNotifier = SystemdNotifier(), clock: C) {
        self.clock = clock
        self.start = clock.now
        self.notifier = notifier
        self.machine = Mutex(WatchdogStateMachine(interval: interval))
    }

    /// The `WatchdogSec=` this driver serves.
    public var interval: Duration {
        machine.withLock { $0.interval }
    }

    /// Records what the main loop saw; sends an overdue ping immediately when the loop is healthy.
    public func report(_ observation: WatchdogStateMachine.Observation) {
        let now = elapsed()
        let action = machine.withLock { $0.observe(observation, at: now) }
        if action == .sendPing { notifier.watchdog() }
    }

    /// Ticks until the surrounding task is cancelled; never throws, so shutdown is not an error.
    public func run() async {
        while !Task.isCancelled {
            let now = elapsed()
            let (action, wake) = machine.withLock { machine in
                (machine.tick(at: now), machine.nextTick(after: now))
            }
            if action == .sendPing { notifier.watchdog() }
            do {
                try await clock.sleep(until: start.advanced(by: wake), tolerance: nil)
            } catch {
                return
            }
        }
    }

    private func elapsed() -> Duration {
        start.duration(to: clock.now)
    }
}

extension WatchdogService where C == ContinuousClock {
    /// A driver for the watchdog systemd configured (`WatchdogSec=` → `WATCHDOG_USEC`), or nil when
    /// none applies, so the daemon can skip the task entirely outside systemd.
    public static func fromEnvironment(notifier: SystemdNotifier = SystemdNotifier()) -> WatchdogService? {
        guard let interval = notifier.watchdogInterval else { return nil }
        return WatchdogService(interval: interval, notifier: notifier, clock: ContinuousClock())
    }
}
