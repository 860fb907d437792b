import Testing
@testable import CreditCore

extension Fixtures {
    /// The policy.md example levels (1, 15, 30, 45 days; level 3 alerts; level 4 blocks and
    /// alerts), daily ticks, and the usual fixture policy otherwise.
    static func dunningPolicy(minDaysBetweenLevels: Int = 7, minAmounts: [String] = ["10.00", "10.00", "10.00", "10.00"],
                              riskClasses: [String]? = nil) -> Policy {
        var policy = Fixtures.policy()
        policy.scheduler.interval = .hours(24)
        policy.dunning = DunningPolicy(levels: [
            DunningLevel(level: 1, name: "friendly reminder", daysPastDue: 1, minAmount: DecimalAmount(stringLiteralFree: minAmounts[0])),
            DunningLevel(level: 2, name: "second notice", daysPastDue: 15, minAmount: DecimalAmount(stringLiteralFree: minAmounts[1])),
            DunningLevel(level: 3, name: "final notice", daysPastDue: 30, minAmount: DecimalAmount(stringLiteralFree: minAmounts[2]), alert: true),
            DunningLevel(level: 4, name: "stop supply", daysPastDue: 45, minAmount: DecimalAmount(stringLiteralFree: minAmounts[3]),
                         blocksCustomer: true, alert: true),
        ], minDaysBetweenLevels: minDaysBetweenLevels, riskClasses: riskClasses)
        return policy
    }

    static func date(_ text: String) -> LocalDate { LocalDate(text)! }
}

extension Harness {
    /// Runs the scheduler's dunning for this customer at `time` (a tick), like the daemon does.
    mutating func tick(_ time: String) -> [OutputEvent] {
        CreditEngine.runDunning(for: &state, tick: Fixtures.time(time), policy: policy, instance: "creditd-test")
    }

    /// Runs one tick at 00:00Z of every day from `first` through `last`; returns the outputs of
    /// the ticks that published something, keyed by the tick's date.
    mutating func dailyTicks(from first: String, through last: String) -> [(date: String, outputs: [OutputEvent])] {
        var result: [(date: String, outputs: [OutputEvent])] = []
        var day = Fixtures.date(first)
        while day <= Fixtures.date(last) {
            let outputs = CreditEngine.runDunning(for: &state, tick: day.startOfDay, policy: policy, instance: "creditd-test")
            if !outputs.isEmpty { result.append((day.text, outputs)) }
            day = day.adding(days: 1)
        }
        return result
    }

    /// The (date, level) of every `dunning.notice` in a daily run.
    mutating func noticeDays(from first: String, through last: String) -> [String] {
        dailyTicks(from: first, through: last).flatMap { tick in
            tick.outputs.filter { $0.type == .dunningNotice }.map { "\(tick.date) L\($0.data["level"]?.numberText ?? "?")" }
        }
    }
}

/// The event clock around a harness: before each event, the ticks that event's time passes run
/// first, each at its own time (credit-model.md, Clock), as the daemon interleaves them.
struct EventClockDriver {
    var harness: Harness
    var schedule: TickSchedule
    var lastTick: Timestamp?
    /// Everything published, ticks and events, in order.
    var log: [OutputEvent] = []
    var ticksRun = 0

    init(harness: Harness) {
        self.harness = harness
        self.schedule = TickSchedule(policy: harness.policy)
    }

    /// Runs the ticks due before an event at `time`, then the event itself.
    mutating func at(_ time: String, _ event: (inout Harness) -> [OutputEvent]) {
        let plan = schedule.ticksDue(lastRun: lastTick, eventTime: Fixtures.time(time))
        for tick in plan.ticks {
            log += CreditEngine.runDunning(for: &harness.state, tick: tick, policy: harness.policy, instance: "creditd-test")
            lastTick = tick
            ticksRun += 1
        }
        log += event(&harness)
    }

    var notices: [String] {
        log.filter { $0.type == .dunningNotice }.map { "\($0.time.utcDate.text) L\($0.data["level"]?.numberText ?? "?")" }
    }
}

extension JSONValue {
    /// The literal text of a JSON number, for compact assertions.
    var numberText: String? {
        if case .number(let text) = self { return text }
        return nil
    }
}
