import CreditSystemd
import Testing

@Suite struct WatchdogStateMachineTests {
    let interval = Duration.seconds(30)

    @Test func firstHealthyObservationPingsAtOnce() {
        var machine = WatchdogStateMachine(interval: interval)
        #expect(machine.pingPeriod == .seconds(15))
        #expect(machine.tick(at: .zero) == .none, "no evidence of health yet")
        #expect(machine.observe(.progressMade, at: .seconds(1)) == .sendPing)
        #expect(machine.lastPing == .seconds(1))
    }

    @Test func pingsWaitForHalfTheInterval() {
        var machine = WatchdogStateMachine(interval: interval)
        #expect(machine.observe(.progressMade, at: .zero) == .sendPing)
        #expect(machine.observe(.progressMade, at: .seconds(5)) == .none)
        #expect(machine.tick(at: .seconds(14)) == .none)
        #expect(machine.tick(at: .seconds(15)) == .sendPing)
        #expect(machine.tick(at: .seconds(15)) == .none, "a ping consumes the evidence")
    }

    @Test func idleButHealthyKeepsThePingsGoing() {
        var machine = WatchdogStateMachine(interval: interval)
        #expect(machine.observe(.idleHealthy, at: .zero) == .sendPing)
        #expect(machine.observe(.idleHealthy, at: .seconds(10)) == .none)
        #expect(machine.tick(at: .seconds(15)) == .sendPing)
    }

    @Test func aLoopThatStopsReportingStopsThePings() {
        var machine = WatchdogStateMachine(interval: interval)
        #expect(machine.observe(.progressMade, at: .zero) == .sendPing)
        #expect(machine.observe(.progressMade, at: .seconds(1)) == .none)
        #expect(machine.tick(at: .seconds(15)) == .sendPing, "progress at 1 s earned this one")
        for second in stride(from: 16, through: 120, by: 1) {
            #expect(machine.tick(at: .seconds(Int64(second))) == .none)
        }
    }

    @Test func aReportedStallCancelsEarlierProgress() {
        var machine = WatchdogStateMachine(interval: interval)
        #expect(machine.observe(.progressMade, at: .zero) == .sendPing)
        #expect(machine.observe(.progressMade, at: .seconds(3)) == .none)
        #expect(machine.observe(.loopStalled, at: .seconds(4)) == .none)
        #expect(machine.isStalled)
        #expect(machine.tick(at: .seconds(15)) == .none)
        #expect(machine.tick(at: .seconds(29)) == .none)
    }

    @Test func recoveryAfterAStallPingsImmediatelyWhenOverdue() {
        var machine = WatchdogStateMachine(interval: interval)
        #expect(machine.observe(.progressMade, at: .zero) == .sendPing)
        #expect(machine.observe(.loopStalled, at: .seconds(2)) == .none)
        #expect(machine.tick(at: .seconds(15)) == .none)
        #expect(machine.observe(.progressMade, at: .seconds(20)) == .sendPing)
        #expect(!machine.isStalled)
        #expect(machine.lastPing == .seconds(20))
    }

    @Test func nextTickIsTheNextDuePingOrOnePeriodAhead() {
        var machine = WatchdogStateMachine(interval: interval)
        #expect(machine.nextTick(after: .seconds(2)) == .seconds(17))
        _ = machine.observe(.progressMade, at: .seconds(2))
        #expect(machine.nextTick(after: .seconds(3)) == .seconds(17))
        #expect(machine.nextTick(after: .seconds(17)) == .seconds(32), "overdue: try again a period later")
    }

    /// A loop reporting every 10 ms for 10 s with ticks at every due time: one ping per 15 s period
    /// would be too few for this interval, so use 200 ms → a ping every 100 ms, never a gap over
    /// the interval while healthy, and none after the loop goes quiet.
    @Test func simulatedLoopGetsAPingEveryHalfIntervalUntilItGoesQuiet() {
        var machine = WatchdogStateMachine(interval: .milliseconds(200))
        var pings: [Duration] = []
        var now = Duration.zero
        var nextTick = machine.nextTick(after: now)
        while now <= .seconds(15) {
            if now <= .seconds(10), now.components.attoseconds % 10_000_000_000_000_000 == 0,
                machine.observe(.progressMade, at: now) == .sendPing
            {
                pings.append(now)
            }
            if now >= nextTick {
                if machine.tick(at: now) == .sendPing { pings.append(now) }
                nextTick = machine.nextTick(after: now)
            }
            now += .milliseconds(1)
        }
        #expect(pings.count == 101, "0 ms, then every 100 ms up to 10 s")
        let gaps = zip(pings, pings.dropFirst()).map { $1 - $0 }
        #expect(gaps.allSatisfy { $0 == .milliseconds(100) })
        #expect(pings.last == .seconds(10))
    }
}
