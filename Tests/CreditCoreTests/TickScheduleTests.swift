import Testing
@testable import CreditCore

@Suite("Scheduler ticks")
struct TickScheduleTests {
    static func t(_ text: String) -> Timestamp { Fixtures.time(text) }

    @Test(arguments: [
        (24 * 60, "2026-11-29T00:00:00Z", "2026-11-29T00:00:00Z"),          // a tick is its own latest tick
        (24 * 60, "2026-11-28T23:59:59.999999Z", "2026-11-28T00:00:00Z"),
        (24 * 60, "2026-11-29T00:00:00.000001Z", "2026-11-29T00:00:00Z"),
        (24 * 60, "2026-11-29T01:00:00+02:00", "2026-11-28T00:00:00Z"),     // offsets count in UTC
        (24 * 60, "1969-12-31T12:00:00Z", "1969-12-31T00:00:00Z"),          // floor, not truncation
        (24 * 60, "1970-01-01T00:00:00Z", "1970-01-01T00:00:00Z"),
        (7 * 60, "2026-11-29T00:00:00Z", "2026-11-28T22:00:00Z"),           // 7h does not divide a day
        (7 * 60, "2026-11-29T04:59:59Z", "2026-11-28T22:00:00Z"),
        (7 * 60, "2026-11-29T05:00:00Z", "2026-11-29T05:00:00Z"),
        (15, "2026-11-29T10:14:59Z", "2026-11-29T10:00:00Z"),
        (15, "2026-11-29T10:15:00Z", "2026-11-29T10:15:00Z"),
    ] as [(Int64, String, String)])
    func latestTickAtOrBefore(minutes: Int64, time: String, tick: String) {
        let schedule = TickSchedule(interval: .minutes(minutes))
        #expect(schedule.latestTick(atOrBefore: Self.t(time)) == Self.t(tick))
        #expect(schedule.isTick(Self.t(tick)))
        #expect(schedule.isTick(Self.t(time)) == (time == tick))
        #expect(schedule.nextTick(after: Self.t(time)) == Self.t(tick).adding(microseconds: minutes * 60_000_000))
    }

    @Test(arguments: [
        // (interval minutes, last run, event time, expected ticks)
        (1440, nil, "2026-11-29T10:00:00Z", ["2026-11-29T00:00:00Z"]),   // first event ever: no history catch-up
        (1440, "2026-11-29T00:00:00Z", "2026-11-29T23:59:59Z", []),
        (1440, "2026-11-29T00:00:00Z", "2026-11-30T00:00:00Z", ["2026-11-30T00:00:00Z"]),  // boundary included
        (1440, "2026-11-29T00:00:00Z", "2026-11-29T00:00:00Z", []),
        (1440, "2026-11-29T00:00:00Z", "2026-11-20T08:00:00Z", []),      // late event: the watermark does not go back
        (1440, "2026-11-29T00:00:00Z", "2026-12-02T05:00:00Z",
         ["2026-11-30T00:00:00Z", "2026-12-01T00:00:00Z", "2026-12-02T00:00:00Z"]),
        (420, "2026-11-28T22:00:00Z", "2026-11-30T03:00:00Z",
         ["2026-11-29T05:00:00Z", "2026-11-29T12:00:00Z", "2026-11-29T19:00:00Z", "2026-11-30T02:00:00Z"]),
        (1440, "2026-11-29T10:00:00Z", "2026-12-01T10:00:00Z",            // last run off the grid (interval changed)
         ["2026-11-30T00:00:00Z", "2026-12-01T00:00:00Z"]),
    ] as [(Int64, String?, String, [String])])
    func ticksDueBeforeAnEvent(minutes: Int64, lastRun: String?, event: String, expected: [String]) {
        let plan = TickSchedule(interval: .minutes(minutes)).ticksDue(lastRun: lastRun.map(Self.t), eventTime: Self.t(event))
        #expect(plan.ticks == expected.map(Self.t))
        #expect(plan.skipped == 0)
    }

    @Test func manyTicksBetweenTwoEvents() {
        let schedule = TickSchedule(interval: .hours(24))
        let plan = schedule.ticksDue(lastRun: Self.t("2026-01-01T00:00:00Z"), eventTime: Self.t("2026-12-31T18:00:00Z"))
        #expect(plan.ticks.count == 364)
        #expect(plan.ticks.first == Self.t("2026-01-02T00:00:00Z"))
        #expect(plan.ticks.last == Self.t("2026-12-31T00:00:00Z"))
        #expect(zip(plan.ticks, plan.ticks.dropFirst()).allSatisfy { $1.microsecondsSinceEpoch - $0.microsecondsSinceEpoch == 86_400_000_000 })
    }

    @Test func catchUpIsCappedToTheLatestTicks() {
        let schedule = TickSchedule(interval: .hours(24))
        let plan = schedule.ticksDue(lastRun: Self.t("2026-01-01T00:00:00Z"), eventTime: Self.t("2026-12-31T18:00:00Z"), maximumCatchUp: 3)
        #expect(plan.ticks == ["2026-12-29T00:00:00Z", "2026-12-30T00:00:00Z", "2026-12-31T00:00:00Z"].map(Self.t))
        #expect(plan.skipped == 361)
        // A one-minute interval and a year's hole: the default cap applies.
        let minutes = TickSchedule(interval: .minutes(1))
        let year = minutes.ticksDue(lastRun: Self.t("2025-01-01T00:00:00Z"), eventTime: Self.t("2026-01-01T00:00:00Z"))
        #expect(year.ticks.count == TickSchedule.defaultMaximumCatchUp)
        #expect(year.skipped == 365 * 24 * 60 - TickSchedule.defaultMaximumCatchUp)
        #expect(year.ticks.last == Self.t("2026-01-01T00:00:00Z"))
    }

    @Test(arguments: [
        (nil, "2026-11-29T10:00:00Z", "2026-11-29T00:00:00Z"),
        ("2026-11-29T00:00:00Z", "2026-11-29T10:00:00Z", nil),           // already run
        ("2026-11-25T00:00:00Z", "2026-11-29T10:00:00Z", "2026-11-29T00:00:00Z"),  // down 4 days: only the latest
        ("2026-11-28T00:00:00Z", "2026-11-29T00:00:00Z", "2026-11-29T00:00:00Z"),  // exactly on the tick
    ] as [(String?, String, String?)])
    func wallClockRunsOnlyTheLatestTickNotYetRun(lastRun: String?, now: String, expected: String?) {
        let schedule = TickSchedule(interval: .hours(24))
        #expect(schedule.tickToRun(lastRun: lastRun.map(Self.t), now: Self.t(now)) == expected.map(Self.t))
    }

    @Test func scheduleFollowsThePolicy() {
        var policy = Fixtures.policy()
        policy.scheduler.interval = .hours(6)
        #expect(TickSchedule(policy: policy).intervalMicroseconds == 6 * 3_600_000_000)
        #expect(TickSchedule(interval: PolicyDuration(seconds: 0)).intervalMicroseconds == 1)
    }
}
