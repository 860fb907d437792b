/// The scheduler's ticks: the instants at whole multiples of `scheduler.interval` since
/// 1970-01-01T00:00Z (credit-model.md, Clock).
///
/// Pure arithmetic on microseconds, so that the event clock (a replay) and the wall clock (live)
/// agree on which ticks exist: a tick is named by its time alone, and that time seeds the ids of
/// everything it publishes. The caller records the last tick run and asks here which to run next.
public struct TickSchedule: Sendable, Hashable {
    /// The interval in microseconds; always positive.
    public let intervalMicroseconds: Int64

    /// Ticks the event clock runs before one event at most. A gap in event time larger than this
    /// many intervals (a hole in a replayed history, a test feed jumping years ahead) runs only the
    /// latest ticks of the gap, since running millions of them would stall the partitions. That
    /// does change the outcome for a customer already overdue before the gap (a level rises by
    /// one step per tick, so its steps come later than a live run's would have), which is why
    /// the daemon and a replay report every such gap (`TickPlan.skipped`).
    public static let defaultMaximumCatchUp = 10_000

    /// `interval` must be positive (the policy parser accepts only positive durations); anything
    /// else is taken as one microsecond rather than trapping in the daemon.
    public init(interval: PolicyDuration) {
        self.intervalMicroseconds = max(1, interval.microseconds)
    }

    public init(policy: Policy) {
        self.init(interval: policy.scheduler.interval)
    }

    /// True when `time` is itself a tick.
    public func isTick(_ time: Timestamp) -> Bool {
        floorModulo(time.microsecondsSinceEpoch) == 0
    }

    /// The latest tick at or before `time` (`time` itself when it is a tick). Exact also before 1970.
    public func latestTick(atOrBefore time: Timestamp) -> Timestamp {
        let micros = time.microsecondsSinceEpoch
        return Timestamp(microsecondsSinceEpoch: micros - floorModulo(micros))
    }

    /// The first tick strictly after `time` (when the wall-clock scheduler should wake up next).
    public func nextTick(after time: Timestamp) -> Timestamp {
        latestTick(atOrBefore: time).adding(microseconds: intervalMicroseconds)
    }

    /// Event clock: the ticks to run, in order and each at its own time, before applying an
    /// input event whose `time` is `eventTime`, given the last tick already run.
    ///
    /// Every tick in `(lastRun, eventTime]` is due. Two guards keep the count sane:
    /// - `lastRun == nil` (the very first event, or a database from before ticks were recorded):
    ///   only the latest tick at or before the event runs. The history before the first event has
    ///   nothing to dun, and counting from 1970 would run half a million daily ticks.
    /// - more than `maximumCatchUp` ticks due: only the latest `maximumCatchUp` run, and
    ///   `skipped` says how many were left out so the daemon can log it.
    /// An event older than the last tick run (out of order across partitions) runs nothing: the
    /// watermark does not move back.
    public func ticksDue(lastRun: Timestamp?, eventTime: Timestamp,
                         maximumCatchUp: Int = TickSchedule.defaultMaximumCatchUp) -> TickPlan {
        let latest = latestTick(atOrBefore: eventTime)
        guard let lastRun else { return TickPlan(ticks: [latest], skipped: 0) }
        guard latest > lastRun else { return TickPlan(ticks: [], skipped: 0) }
        // Ticks in (lastRun, latest]: the first is the tick after lastRun (lastRun need not be a tick).
        let first = nextTick(after: lastRun)
        let due = (latest.microsecondsSinceEpoch - first.microsecondsSinceEpoch) / intervalMicroseconds + 1
        let limit = Int64(max(1, maximumCatchUp))
        let count = min(due, limit)
        let start = latest.microsecondsSinceEpoch - (count - 1) * intervalMicroseconds
        var ticks: [Timestamp] = []
        ticks.reserveCapacity(Int(count))
        for index in 0..<count {
            ticks.append(Timestamp(microsecondsSinceEpoch: start + index * intervalMicroseconds))
        }
        return TickPlan(ticks: ticks, skipped: Int(due - count))
    }

    /// Wall clock, at start-up and at each wake-up: the latest tick at or before `now` if it has
    /// not run yet, else nil. No catch-up: ticks missed while the daemon was down are not run
    /// (credit-model.md, Clock); the latest one runs at its own time, so its "today" is its date.
    public func tickToRun(lastRun: Timestamp?, now: Timestamp) -> Timestamp? {
        let latest = latestTick(atOrBefore: now)
        if let lastRun, lastRun >= latest { return nil }
        return latest
    }

    /// `micros` modulo the interval, in `0..<interval` also for negative values.
    private func floorModulo(_ micros: Int64) -> Int64 {
        let remainder = micros % intervalMicroseconds
        return remainder < 0 ? remainder + intervalMicroseconds : remainder
    }
}

/// The ticks the event clock runs before one event.
public struct TickPlan: Sendable, Equatable {
    /// Oldest first, each to run at its own time.
    public var ticks: [Timestamp]
    /// Ticks that were due but left out by the catch-up limit (0 normally).
    public var skipped: Int

    public init(ticks: [Timestamp], skipped: Int) {
        self.ticks = ticks
        self.skipped = skipped
    }
}
