import CreditCore

/// Tick times: multiples of `scheduler.interval` since 1970-01-01T00:00Z.
enum TickSchedule {
    static func latestTick(atOrBefore time: Timestamp, interval: PolicyDuration) -> Timestamp {
        let step = max(interval.microseconds, 1)
        let micros = time.microsecondsSinceEpoch
        let floor = micros >= 0 ? micros / step * step : -((-micros + step - 1) / step) * step
        return Timestamp(microsecondsSinceEpoch: floor)
    }

    /// The ticks the event clock must run before applying an event at `time`: every tick after
    /// `lastRun` up to `time`, oldest first. Before the first tick ever run, only the latest one
    /// (history before the first event holds nothing to do).
    static func due(after lastRun: Timestamp?, upTo time: Timestamp, interval: PolicyDuration) -> [Timestamp] {
        let latest = latestTick(atOrBefore: time, interval: interval)
        guard let lastRun else { return [latest] }
        guard latest > lastRun else { return [] }
        let step = max(interval.microseconds, 1)
        var ticks: [Timestamp] = []
        var next = latestTick(atOrBefore: lastRun, interval: interval).microsecondsSinceEpoch + step
        while next <= latest.microsecondsSinceEpoch {
            ticks.append(Timestamp(microsecondsSinceEpoch: next))
            next += step
        }
        return ticks
    }
}
