import Testing
@testable import CreditCore

/// When scores are recomputed (credit-model.md: "when a factor changes and at every scheduler
/// run"): after every input event under the event's scoring cause, and at a tick on the days time
/// alone can move a factor (`CreditEngine.nextScoringDate`).
@Suite("Scoring triggers")
struct ScoringTriggerTests {
    typealias F = ScoringFixtures

    @Test func theFirstEventScoresANewCustomerUnderItsOwnCause() {
        var h = Harness(policy: F.policy())
        let outputs = h.order("O-1", "1000.00", at: "2026-11-01T09:00:00Z")
        #expect(outputs.types == ["credit.order.approved", "credit.score.changed"])
        // Utilization 10 % → 100 points, tenure 0 months → 20: (100 + 20) / 200.
        #expect(h.state.score == 60)
        #expect(h.state.riskClass == "C")
        let ids = Set(outputs.map(\.id))
        #expect(ids.count == 2, "the scoring output has its own id")
        #expect(outputs.allSatisfy { $0.causationId == outputs[0].causationId }, "both name the event as their cause")
    }

    @Test func aLatePaymentLowersTheClassAndRaisesRiskDowngrade() {
        var h = Harness(policy: F.policy())
        h.invoice("I-1", "1000.00", issued: "2026-01-05", due: "2026-02-04", paid: "2026-02-03")
        #expect(h.state.riskClass == "A" || h.state.riskClass == "B")
        let before = h.state.riskClass
        h.order("O-2", "4000.00", at: "2026-03-01T09:00:00Z")
        h.ship("O-2", invoice: "I-2", "4000.00", at: "2026-03-01T10:00:00Z", dueDate: "2026-03-31")
        let late = h.pay("P-2", "4000.00", at: "2026-06-29T10:00:00Z", allocations: [("I-2", "4000.00")])
        #expect(late.types.contains("credit.score.changed"))
        #expect(late.alertCodes.contains("RISK_DOWNGRADE"))
        #expect(h.state.riskClass.map { Scorecard.isBetter(before!, than: $0) } == true)
    }

    @Test func anEventThatMovesNoFactorPublishesNoScore() {
        var h = Harness(policy: F.policy())
        h.order("O-1", "1000.00", at: "2026-11-01T09:00:00Z")
        let second = h.order("O-2", "100.00", at: "2026-11-01T10:00:00Z")
        #expect(second.types == ["credit.order.approved"], "11 % utilization is in the same bin")
    }

    @Test func withoutAScorecardNothingIsScored() {
        var h = Harness(policy: F.policy(factors: []))
        let outputs = h.order("O-1", "1000.00", at: "2026-11-01T09:00:00Z")
        #expect(outputs.types == ["credit.order.approved"])
        #expect(h.state.score == nil)
        #expect(CreditEngine.nextScoringDate(h.state, policy: h.policy, today: F.date("2026-11-01")) == nil)
    }

    @Test(arguments: [
        // firstSeen, today, next whole month of tenure
        ("2026-01-15", "2026-01-15", "2026-02-15"),
        ("2026-01-15", "2026-02-14", "2026-02-15"),
        ("2026-01-15", "2026-02-15", "2026-03-15"),
        ("2026-01-31", "2026-02-10", "2026-03-01"),  // February has no 31st: the count goes up on 1 March
        ("2026-01-31", "2026-03-01", "2026-03-31"),
        ("2025-12-20", "2025-12-31", "2026-01-20"),
    ])
    func tenureMonthBoundaries(first: String, today: String, next: String) {
        #expect(CreditEngine.nextMonthOfTenure(firstSeen: F.date(first), after: F.date(today)) == F.date(next))
    }

    @Test func nextScoringDateIsTheEarliestFactorThatTimeMoves() {
        var policy = F.policy()
        policy.scoring.window = .days(90)
        var h = Harness(policy: policy)
        h.invoice("I-1", "1000.00", issued: "2026-01-05", due: "2026-02-04", paid: "2026-02-10")
        h.invoice("I-2", "500.00", issued: "2026-03-01", due: "2026-04-20", paid: nil)
        // First seen 5 January: tenure rises on 5 April; I-2 falls due (overdue share) on 21 April;
        // the payment of I-1 leaves the 90-day window on 11 May.
        #expect(CreditEngine.nextScoringDate(h.state, policy: h.policy, today: F.date("2026-03-10")) == F.date("2026-04-05"))
        #expect(CreditEngine.nextScoringDate(h.state, policy: h.policy, today: F.date("2026-04-05")) == F.date("2026-04-21"))
        var withoutTenure = h.policy
        withoutTenure.scoring.factors.removeAll { $0.name == .tenureMonths || $0.name == .overdueShare }
        #expect(CreditEngine.nextScoringDate(h.state, policy: withoutTenure, today: F.date("2026-04-05")) == F.date("2026-05-11"))
    }

    @Test func aTickOnTheDayAnInvoiceFallsDueRescores() {
        var h = Harness(policy: F.policy())
        h.invoice("I-1", "1000.00", issued: "2026-01-05", due: "2026-02-04", paid: "2026-02-03")
        h.invoice("I-2", "8000.00", issued: "2026-03-01", due: "2026-03-31", paid: nil)
        let scoreBefore = h.state.score
        let day = CreditEngine.nextScoringDate(h.state, policy: h.policy, today: F.date("2026-03-06"))
        #expect(day == F.date("2026-04-01"), "I-2 is overdue from 1 April")
        let outputs = CreditEngine.scoringTick(&h.state, context: F.context(h.policy, at: "2026-04-01T00:00:00Z"))
        #expect(outputs.types.contains("credit.score.changed"))
        #expect(h.state.score.map { $0 < scoreBefore! } == true, "overdue share 100 % costs points")
    }
}
