import Testing
@testable import CreditCore

@Suite("Scorecard")
struct ScorecardTests {
    typealias F = ScoringFixtures

    // MARK: Bins

    /// Every factor of the fixture scorecard at each edge (inclusive), just above it, and beyond the last.
    @Test("each factor's bins at their edges", arguments: [
        (ScoringFactorName.daysLate, "0", 100), (.daysLate, "0.01", 85), (.daysLate, "5", 85), (.daysLate, "5.01", 60),
        (.daysLate, "15", 60), (.daysLate, "30", 30), (.daysLate, "60", 10), (.daysLate, "60.01", 0), (.daysLate, "400", 0),
        (.paidLateShare, "5", 100), (.paidLateShare, "5.01", 80), (.paidLateShare, "30", 55), (.paidLateShare, "50", 25),
        (.paidLateShare, "50.01", 0), (.paidLateShare, "100", 0),
        (.overdueShare, "0", 100), (.overdueShare, "0.01", 80), (.overdueShare, "25", 50), (.overdueShare, "25.01", 20),
        (.overdueShare, "50.01", 0),
        (.utilization, "50", 100), (.utilization, "50.01", 75), (.utilization, "80", 75), (.utilization, "100", 40),
        (.utilization, "100.01", 0),
        (.tenureMonths, "0", 20), (.tenureMonths, "5", 20), (.tenureMonths, "6", 50), (.tenureMonths, "11", 50),
        (.tenureMonths, "12", 80), (.tenureMonths, "35", 80), (.tenureMonths, "36", 100),
        (.reversedPayments, "0", 100), (.reversedPayments, "1", 40), (.reversedPayments, "2", 0),
        (.disputes, "0", 100), (.disputes, "1", 70), (.disputes, "2", 70), (.disputes, "3", 30), (.disputes, "5", 30), (.disputes, "6", 0),
        (.bureauScore, "0", 0), (.bureauScore, "20", 0), (.bureauScore, "21", 30), (.bureauScore, "40", 30), (.bureauScore, "41", 60),
        (.bureauScore, "80", 85), (.bureauScore, "81", 100), (.bureauScore, "100", 100),
    ])
    func binEdges(name: ScoringFactorName, value: String, points: Int) {
        let factor = F.scorecard.first { $0.name == name }!
        #expect(factor.points(for: DecimalAmount(stringLiteralFree: value)) == points)
    }

    // MARK: Each factor measured from history, landing on an edge

    @Test func daysLateIsAmountWeightedOverPaidInvoices() {
        var h = Harness(policy: F.policy())
        h.invoice("I1", "1000.00", issued: "2026-01-02", due: "2026-02-01", paid: "2026-02-06")   // 5 days late
        var card = h.scorecard(on: "2026-03-01")
        #expect(card.value(.daysLate) == DecimalAmount("5.00"))
        #expect(card.points(.daysLate) == 85)
        h.invoice("I2", "3000.00", issued: "2026-01-03", due: "2026-02-01", paid: "2026-02-11")   // 10 days late
        card = h.scorecard(on: "2026-03-01")
        #expect(card.value(.daysLate) == DecimalAmount("8.75"))   // (1000 × 5 + 3000 × 10) / 4000
        #expect(card.points(.daysLate) == 60)
    }

    @Test func earlyPaymentIsNotNegativeAndOldPaymentsLeaveTheWindow() {
        var h = Harness(policy: F.policy())
        h.invoice("I1", "1000.00", issued: "2025-01-02", due: "2025-02-01", paid: "2025-01-20")
        #expect(h.scorecard(on: "2025-03-01").value(.daysLate) == DecimalAmount("0.00"))
        #expect(h.scorecard(on: "2025-03-01").points(.daysLate) == 100)
        // The window is the 365 days ending today: paid 2025-01-20, in it until 2026-01-19.
        #expect(h.scorecard(on: "2026-01-19").value(.daysLate) != nil)
        #expect(h.scorecard(on: "2026-01-20").value(.daysLate) == nil)
    }

    @Test func paidLateShareCountsInvoices() {
        var h = Harness(policy: F.policy())
        h.invoice("I1", "100.00", issued: "2026-01-02", due: "2026-02-01", paid: "2026-02-01")
        h.invoice("I2", "100.00", issued: "2026-01-02", due: "2026-02-01", paid: "2026-01-25")
        h.invoice("I3", "100.00", issued: "2026-01-02", due: "2026-02-01", paid: "2026-01-30")
        h.invoice("I4", "100.00", issued: "2026-01-02", due: "2026-02-01", paid: "2026-02-02")   // one day late
        let card = h.scorecard(on: "2026-03-01")
        #expect(card.value(.paidLateShare) == DecimalAmount("25.00"))
        #expect(card.points(.paidLateShare) == 55)
    }

    @Test func overdueShareOfOpenReceivables() {
        var h = Harness(policy: F.policy())
        h.invoice("I1", "1000.00", issued: "2026-01-02", due: "2026-02-01", paid: nil)
        h.invoice("I2", "3000.00", issued: "2026-02-20", due: "2026-03-20", paid: nil)
        var card = h.scorecard(on: "2026-03-01")
        #expect(card.value(.overdueShare) == DecimalAmount("25.00"))   // 1000 of 4000 is past due
        #expect(card.points(.overdueShare) == 50)
        card = h.scorecard(on: "2026-01-15")
        #expect(card.value(.overdueShare) == DecimalAmount("0.00"))
        #expect(card.points(.overdueShare) == 100)
    }

    @Test func utilizationOfTheLimitInForce() {
        var h = Harness(policy: F.policy())
        h.order("O1", "8000.00")
        var card = h.scorecard(on: "2026-11-02")
        #expect(card.value(.utilization) == DecimalAmount("80.00"))   // of the 10000.00 default
        #expect(card.points(.utilization) == 75)
        h.order("O2", "1.00")
        card = h.scorecard(on: "2026-11-02")
        #expect(card.value(.utilization) == DecimalAmount("80.01"))
        #expect(card.points(.utilization) == 40)
    }

    @Test("tenure counts whole calendar months", arguments: [
        ("2026-06-14", 4, 20), ("2026-06-15", 5, 20), ("2026-07-14", 5, 20), ("2026-07-15", 6, 50), ("2029-01-15", 36, 100),
    ])
    func tenure(today: String, months: Int, points: Int) {
        var h = Harness(policy: F.policy())
        h.order("O1", "10.00", at: "2026-01-15T23:00:00Z")
        let card = h.scorecard(on: today)
        #expect(card.value(.tenureMonths) == DecimalAmount(months))
        #expect(card.points(.tenureMonths) == points)
    }

    @Test func reversedPaymentsInTheWindow() {
        var h = Harness(policy: F.policy())
        h.invoice("I1", "500.00", issued: "2026-01-02", due: "2026-02-01", paid: "2026-01-20")
        #expect(h.scorecard(on: "2026-03-01").value(.reversedPayments) == DecimalAmount(0))
        h.reverse("P-I1", at: "2026-01-25T10:00:00Z")
        var card = h.scorecard(on: "2026-03-01")
        #expect(card.value(.reversedPayments) == DecimalAmount(1))
        #expect(card.points(.reversedPayments) == 40)
        card = h.scorecard(on: "2027-01-26")   // more than 365 days after the reversal
        #expect(card.value(.reversedPayments) == DecimalAmount(0))
    }

    @Test func disputesInTheWindow() {
        var h = Harness(policy: F.policy())
        h.invoice("I1", "500.00", issued: "2026-01-02", due: "2026-02-01", paid: nil)
        h.invoice("I2", "500.00", issued: "2026-01-02", due: "2026-02-01", paid: nil)
        #expect(h.scorecard(on: "2026-03-01").value(.disputes) == DecimalAmount(0))
        h.dispute("I1", at: "2026-02-10T10:00:00Z")
        h.dispute("I2", at: "2026-02-11T10:00:00Z")
        h.resolve("I2", at: "2026-02-12T10:00:00Z")   // a resolved dispute still happened
        let card = h.scorecard(on: "2026-03-01")
        #expect(card.value(.disputes) == DecimalAmount(2))
        #expect(card.points(.disputes) == 70)
    }

    @Test func bureauScoreFromTheReport() {
        let h = Harness(policy: F.policy())
        #expect(h.scorecard(on: "2026-11-02", report: F.report(score: 20)).points(.bureauScore) == 0)
        #expect(h.scorecard(on: "2026-11-02", report: F.report(score: 21)).points(.bureauScore) == 30)
        #expect(h.scorecard(on: "2026-11-02", report: F.report(score: 81)).value(.bureauScore) == DecimalAmount(81))
    }

    // MARK: Score, classes, reasons

    @Test("class thresholds are minimum scores", arguments: [
        (100, "A"), (80, "A"), (79, "B"), (65, "B"), (64, "C"), (50, "C"), (49, "D"), (35, "D"), (34, "E"), (0, "E"),
    ])
    func classThresholds(score: Int, riskClass: String) {
        let policy = F.echoPolicy([0, 34, 35, 49, 50, 64, 65, 79, 80])
        let card = Scorecard(state: CustomerState(customerId: "C-1"), bureauReport: F.report(score: score), policy: policy,
                             today: F.date("2026-11-02"))
        #expect(card.score == score)
        #expect(card.riskClass == riskClass)
        #expect(policy.scoring.riskClass(forScore: score) == riskClass)
    }

    @Test func theScoreIsWeightedPointsOverWeightedMaximum() {
        var h = Harness(policy: F.policy())
        h.invoice("I1", "1000.00", issued: "2026-01-02", due: "2026-02-01", paid: "2026-02-06")
        let card = h.scorecard(on: "2026-03-01", report: F.report(score: 70))
        // days late 5 → 85 ×3, paid late 100 % → 0 ×2, overdue 0 % → 100 ×2, utilization 0 % → 100 ×1,
        // tenure 1 month → 20 ×1, reversals 0 → 100 ×1.5, disputes 0 → 100 ×0.5, bureau 70 → 85 ×3
        // = 255 + 0 + 200 + 100 + 20 + 150 + 50 + 255 = 1030 of 1400 → 73.57 → 74
        #expect(card.score == 74)
        #expect(card.riskClass == "B")
        #expect(card.reasonCodes == ["PAID_LATE_SHARE", "SHORT_TENURE", "BUREAU_SCORE"])   // lost 200, 80, then 45 each: by name
    }

    @Test func reasonCodesLargestLossFirstTiesByName() {
        var policy = F.policy(factors: [
            F.factor(.utilization, [("50", 100), (nil, 0)]),
            F.factor(.tenureMonths, [("5", 20), (nil, 100)]),
            F.factor(.reversedPayments, noData: 50, [("0", 100), (nil, 0)]),
            F.factor(.disputes, noData: 50, [("0", 100), (nil, 0)]),
            F.factor(.bureauScore, noData: 0, [("50", 50), (nil, 100)]),
        ])
        policy.scoring.reasonCodeCount = 4
        var h = Harness(policy: policy)
        h.order("O1", "100.00")
        var card = h.scorecard(on: "2026-11-02")
        // lost: bureau 100, tenure 80, disputes 50 = reversals 50 (by name), utilization 0 (not a reason)
        #expect(card.reasonCodes == ["BUREAU_SCORE", "SHORT_TENURE", "DISPUTES", "REVERSED_PAYMENTS"])
        h.policy.scoring.reasonCodeCount = 2
        card = h.scorecard(on: "2026-11-02")
        #expect(card.reasonCodes == ["BUREAU_SCORE", "SHORT_TENURE"])
    }

    @Test func aCustomerWithNoHistoryIsScoredOnWhatIsKnown() {
        var h = Harness(policy: F.policy())
        h.order("O1", "100.00", at: "2026-11-01T10:00:00Z")
        let card = h.scorecard(on: "2026-11-02")
        for name in [ScoringFactorName.daysLate, .paidLateShare, .overdueShare, .reversedPayments, .disputes, .bureauScore] {
            #expect(card.value(name) == nil, "\(name)")
            #expect(card.points(name) == nil, "\(name)")
        }
        // utilization 1 % → 100, tenure 0 → 20: (100 + 20) / 200
        #expect(card.score == 60)
        #expect(card.riskClass == "C")
        #expect(card.reasonCodes == ["SHORT_TENURE"])
    }

    @Test func aCustomerNeverSeenWithoutALimitHasNoScore() {
        let policy = F.policy()
        var state = CustomerState(customerId: "C-new")
        state.permanentLimit = nil
        var noDefault = policy
        noDefault.customers.defaultLimit = nil
        let card = Scorecard(state: state, bureauReport: nil, policy: noDefault, today: F.date("2026-11-02"))
        #expect(card.score == nil)
        #expect(card.riskClass == nil)
        #expect(card.reasonCodes.isEmpty)
    }

    @Test func noBureauReportLeavesTheFactorOutUnlessThePolicyPricesIt() {
        var h = Harness(policy: F.policy())
        h.order("O1", "100.00", at: "2026-11-01T10:00:00Z")
        let without = h.scorecard(on: "2026-11-02")
        #expect(without.score == 60)
        h.policy.scoring.factors[7].noDataPoints = 40
        let priced = h.scorecard(on: "2026-11-02")
        #expect(priced.points(.bureauScore) == 40)
        #expect(priced.score == 48)   // (100 + 20 + 40 × 3) / (100 + 100 + 300) = 240 / 500
        #expect(priced.reasonCodes == ["BUREAU_SCORE", "SHORT_TENURE"])   // lost 180, 80
    }

    @Test func aDerogatoryReportPutsTheCustomerInTheDerogatoryClass() {
        var h = Harness(policy: F.policy())
        h.invoice("I1", "1000.00", issued: "2024-01-02", due: "2024-02-01", paid: "2024-01-30")
        let clean = h.scorecard(on: "2026-03-01", report: F.report(score: 95))
        #expect(clean.riskClass == "A")
        let derogatory = h.scorecard(on: "2026-03-01", report: F.report(score: 95, derogatory: true))
        #expect(derogatory.riskClass == "E")
        #expect(derogatory.score == 34)   // capped at the top of E: one below D's 35
        #expect(derogatory.reasonCodes.first == "BUREAU_DEROGATORY")
        #expect(derogatory.points(.bureauScore) == 100)   // the bureau's score itself still counts as given
    }

    @Test func aDerogatoryClassIsACeilingNotAFloor() {
        var policy = F.echoPolicy([20, 40, 60, 90])
        policy.scoring.derogatoryClass = "C"
        let state = CustomerState(customerId: "C-1")
        let today = F.date("2026-11-02")
        let good = Scorecard(state: state, bureauReport: F.report(score: 90, derogatory: true), policy: policy, today: today)
        #expect(good.riskClass == "C")
        #expect(good.score == 64)
        let poor = Scorecard(state: state, bureauReport: F.report(score: 40, derogatory: true), policy: policy, today: today)
        #expect(poor.riskClass == "D")
        #expect(poor.score == 40)
    }
}
