import Testing
@testable import CreditCore

/// A year of one customer's history (orders, shipments, payments on time, late, partial, a
/// dispute) fed through the engine in time order, with the scheduler's daily ticks interleaved by
/// the event clock exactly as the daemon does: the notices fall on the dates a live year gives.
@Suite("Dunning over a year")
struct DunningYearTests {
    typealias Step = (time: String, apply: (inout Harness) -> [OutputEvent])

    /// The history, in no particular order (the run sorts it by time).
    static func history() -> [Step] {
        var steps: [Step] = []
        // A small order every week keeps the clock moving (and gets held while the customer is dunned).
        var day = Fixtures.date("2026-01-02")
        var week = 0
        while day <= Fixtures.date("2026-12-31") {
            week += 1
            let orderId = "W-\(week)"
            let time = "\(day.text)T09:00:00Z"
            steps.append((time, { $0.order(orderId, "10.00", at: time) }))
            day = day.adding(days: 7)
        }
        steps.append(("2026-12-31T18:00:00Z", { $0.order("W-last", "10.00", at: "2026-12-31T18:00:00Z") }))

        // (order, invoice, amount, order day, ship day): 30-day terms, due 30 days after shipping.
        let sales = [
            ("O-A", "I-A", "1200.00", "2026-01-03", "2026-01-05"),  // due 02-04, paid on time
            ("O-B", "I-B", "800.00", "2026-02-01", "2026-02-02"),   // due 03-04, paid 16 days late
            ("O-C", "I-C", "2500.00", "2026-03-30", "2026-04-01"),  // due 05-01, part paid, then 61 days late
            ("O-D", "I-D", "3000.00", "2026-07-30", "2026-08-03"),  // due 09-02, disputed until 40 days past due
            ("O-E", "I-E", "5.00", "2026-11-14", "2026-11-16"),     // due 12-16, never paid: below min_amount
        ]
        for (order, invoice, amount, ordered, shipped) in sales {
            steps.append(("\(ordered)T10:00:00Z", { $0.order(order, amount, at: "\(ordered)T10:00:00Z") }))
            steps.append(("\(shipped)T10:00:00Z", { $0.ship(order, invoice: invoice, amount, at: "\(shipped)T10:00:00Z") }))
        }
        let payments = [
            ("P-A", "I-A", "1200.00", "2026-02-01"),
            ("P-B", "I-B", "800.00", "2026-03-20"),
            ("P-C1", "I-C", "1000.00", "2026-05-20"),
            ("P-C2", "I-C", "1500.00", "2026-07-01"),
            ("P-D", "I-D", "3000.00", "2026-11-10"),
        ]
        for (payment, invoice, amount, paid) in payments {
            steps.append(("\(paid)T10:00:00Z", { $0.pay(payment, amount, at: "\(paid)T10:00:00Z", allocations: [(invoice, amount)]) }))
        }
        steps.append(("2026-08-20T10:00:00Z", { $0.dispute("I-D", at: "2026-08-20T10:00:00Z") }))
        steps.append(("2026-10-12T10:00:00Z", { $0.resolve("I-D", at: "2026-10-12T10:00:00Z") }))
        return steps
    }

    static func run() -> EventClockDriver {
        var driver = EventClockDriver(harness: Harness(policy: Fixtures.dunningPolicy()))
        // Stable: steps at the same time keep their listed order.
        let ordered = history().enumerated().sorted { ($0.element.time, $0.offset) < ($1.element.time, $1.offset) }.map(\.element)
        for step in ordered { driver.at(step.time, step.apply) }
        return driver
    }

    @Test func noticesOnTheExpectedDates() {
        let driver = Self.run()
        #expect(driver.ticksRun == 364)  // 2026-01-02 through 2026-12-31, each once
        #expect(driver.notices == [
            "2026-03-05 L1", "2026-03-19 L2",                                  // I-B: 1 and 15 days late
            "2026-05-02 L1", "2026-05-16 L2", "2026-05-31 L3", "2026-06-15 L4",  // I-C: 1, 15, 30, 45
            "2026-10-13 L1", "2026-10-20 L2", "2026-10-27 L3", "2026-11-03 L4",  // I-D: 41 days late, 7-day steps
        ])
        let log = driver.log
        let blocks = log.filter { $0.type == .customerBlocked }.map { $0.time.rfc3339 }
        #expect(blocks == ["2026-06-15T00:00:00Z", "2026-11-03T00:00:00Z"])
        let unblocks = log.filter { $0.type == .customerUnblocked }.map { $0.time.rfc3339 }
        #expect(unblocks == ["2026-07-01T10:00:00Z", "2026-11-10T10:00:00Z"])
        let escalations = log.filter { $0.type == .alert && $0.data["code"] == .string("DUNNING_ESCALATED") }
            .map { "\($0.time.utcDate.text) \($0.data["severity"]?.stringValue ?? "?")" }
        #expect(escalations == ["2026-05-31 warning", "2026-06-15 critical", "2026-10-27 warning", "2026-11-03 critical"])

        // The partially paid invoice is dunned for what is still open, at its own days past due.
        let finalNotice = log.first { $0.type == .dunningNotice && $0.time == Fixtures.time("2026-05-31T00:00:00Z") }
        #expect(finalNotice?.data["total_overdue"] == .string("1500.00"))
        #expect(finalNotice?.data["invoices"]?.arrayFirst?["days_past_due"] == .integer(30))
        // Every notice is caused by its tick.
        #expect(log.filter { $0.type == .dunningNotice }.allSatisfy { $0.causationId == "tick:\($0.time.rfc3339)" })

        // Weekly orders held while I-C was dunned are released at the payment that cured it.
        let releasedAtCure = log.filter { $0.type == .orderReleased && $0.time == Fixtures.time("2026-07-01T10:00:00Z") }
            .compactMap { $0.data["order_id"]?.stringValue }
        #expect(releasedAtCure == ["W-23", "W-24", "W-25", "W-26"])
        #expect(driver.harness.state.dunningLevel == 0)
        #expect(!driver.harness.state.blockedByDunning)
        #expect(driver.harness.state.overdue(on: Fixtures.date("2026-12-31")).count == 1)  // I-E, 5.00: never dunned
    }

    /// Determinism only: the same in-process driver run twice gives the same ids (and no id
    /// twice). It does not compare against the daemon's replay; DunningIntegrationTests does that.
    @Test func twoRunsOfTheSameYearAreDeterministicWithUniqueIds() {
        let first = Self.run().log
        let second = Self.run().log
        #expect(first.map(\.id) == second.map(\.id))
        #expect(Set(first.map(\.id)).count == first.count)
    }

    /// The same year live under the wall clock: the daemon wakes at each tick and runs the latest
    /// tick not yet run. With events every few days this is the same sequence, so the same ids.
    @Test func wallClockLiveYearGivesTheSameOutputs() {
        var harness = Harness(policy: Fixtures.dunningPolicy())
        let schedule = TickSchedule(policy: harness.policy)
        var log: [OutputEvent] = []
        var lastRun: Timestamp?
        let ordered = Self.history().enumerated().sorted { ($0.element.time, $0.offset) < ($1.element.time, $1.offset) }.map(\.element)
        var wake = schedule.latestTick(atOrBefore: Fixtures.time(ordered[0].time))  // start-up
        for step in ordered {
            while wake <= Fixtures.time(step.time) {
                if let tick = schedule.tickToRun(lastRun: lastRun, now: wake) {
                    log += CreditEngine.runDunning(for: &harness.state, tick: tick, policy: harness.policy, instance: "creditd-test")
                    lastRun = tick
                }
                wake = schedule.nextTick(after: wake)
            }
            log += step.apply(&harness)
        }
        #expect(log.map(\.id) == Self.run().log.map(\.id))
        #expect(log.count > 20)
    }

    /// Down for weeks under the wall clock: start-up runs only the latest tick, so the customer gets
    /// the first reminder, not four letters at once, and the later steps keep their gap.
    @Test func wallClockStartUpDoesNotCatchUp() {
        var h = Harness(policy: Fixtures.dunningPolicy())
        h.ship("O-1", invoice: "I-1", "1000.00", at: "2026-01-01T10:00:00Z")  // due 01-31
        let schedule = TickSchedule(policy: h.policy)
        var lastRun: Timestamp? = Fixtures.time("2026-01-20T00:00:00Z")       // the last tick before the outage
        var notices: [String] = []
        var now = Fixtures.time("2026-03-20T08:30:00Z")                         // start-up
        while now < Fixtures.time("2026-04-30T00:00:00Z") {
            if let tick = schedule.tickToRun(lastRun: lastRun, now: now) {
                notices += h.tick(tick.rfc3339).filter { $0.type == .dunningNotice }
                    .map { "\($0.time.utcDate.text) L\($0.data["level"]?.numberText ?? "?")" }
                lastRun = tick
            }
            now = schedule.nextTick(after: now)
        }
        #expect(notices == ["2026-03-20 L1", "2026-03-27 L2", "2026-04-03 L3", "2026-04-10 L4"])
    }
}
