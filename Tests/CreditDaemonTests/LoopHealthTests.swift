import Testing
@testable import CreditDaemon

/// The watchdog's rule on synthetic instants: progress pings, a waiting loop pings while the
/// poll thread behind it turns, and a stall of either is reported once, then nothing until the
/// loop shows life again.
@Suite struct LoopHealthTests {
    let start = ContinuousClock.now
    let interval = Duration.seconds(2)

    func at(_ seconds: Double) -> ContinuousClock.Instant { start + .milliseconds(Int(seconds * 1000)) }

    @Test func progressAndAHealthyWaitPing() {
        var health = LoopHealth(start: start)
        #expect(health.check(now: at(1), progressAt: at(0.5), idle: false, lastPoll: at(1), interval: interval) == .progressMade)
        #expect(health.check(now: at(1.5), progressAt: at(0.5), idle: true, lastPoll: at(1.4), interval: interval) == .idleHealthy)
        // Busy within the interval: no verdict yet.
        #expect(health.check(now: at(2), progressAt: at(0.5), idle: false, lastPoll: at(1.9), interval: interval) == LoopHealth.Verdict.none)
    }

    @Test func aLoopStuckInABatchIsReportedOnce() {
        var health = LoopHealth(start: start)
        #expect(health.check(now: at(3), progressAt: start, idle: false, lastPoll: at(2.9), interval: interval) == .stalled(pollThread: false))
        #expect(health.check(now: at(4), progressAt: start, idle: false, lastPoll: at(3.9), interval: interval) == LoopHealth.Verdict.none)
        #expect(health.check(now: at(5), progressAt: at(4.5), idle: false, lastPoll: at(4.9), interval: interval) == .progressMade)
    }

    @Test func aWaitingLoopWhosePollThreadWentQuietStopsThePings() {
        var health = LoopHealth(start: start)
        #expect(health.check(now: at(1), progressAt: at(0.5), idle: true, lastPoll: at(1), interval: interval) == .progressMade)
        #expect(health.check(now: at(2), progressAt: at(0.5), idle: true, lastPoll: at(1), interval: interval) == .idleHealthy)
        // The poll thread last returned at 1 s: quiet for more than the interval at 3.5 s.
        #expect(health.check(now: at(3.5), progressAt: at(0.5), idle: true, lastPoll: at(1), interval: interval) == .stalled(pollThread: true))
        #expect(health.check(now: at(4), progressAt: at(0.5), idle: true, lastPoll: at(1), interval: interval) == LoopHealth.Verdict.none)
        // It turns again: the wait is healthy again.
        #expect(health.check(now: at(4.5), progressAt: at(0.5), idle: true, lastPoll: at(4.4), interval: interval) == .idleHealthy)
    }

    /// The poll thread may have been waiting for the loop to take its batches: a loop that has
    /// just gone idle gives it an interval from the last batch before its silence counts.
    @Test func aLoopJustBackFromALongBatchGivesThePollThreadAnInterval() {
        var health = LoopHealth(start: start)
        #expect(health.check(now: at(10), progressAt: at(9.9), idle: true, lastPoll: at(1), interval: interval) == .progressMade)
        #expect(health.check(now: at(11), progressAt: at(9.9), idle: true, lastPoll: at(1), interval: interval) == .idleHealthy)
        #expect(health.check(now: at(12.5), progressAt: at(9.9), idle: true, lastPoll: at(1), interval: interval) == .stalled(pollThread: true))
    }

    @Test func withoutAPollThreadToWatchAWaitIsHealthy() {
        var health = LoopHealth(start: start)
        #expect(health.check(now: at(100), progressAt: start, idle: true, lastPoll: nil, interval: interval) == .idleHealthy)
    }
}
