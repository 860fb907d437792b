import Testing
@testable import CreditCore

@Suite("Credit check reasons")
struct CreditCheckTests {
    enum Scenario: String, CaseIterable, Sendable {
        case operatorBlocked, dunningBlocked, noCreditLimit, overLimit, pastDueDays, pastDueAmount, highRisk, maxOrderValue, reviewOverdue, allAtOnce
    }

    /// Sets the scenario up, sends `O-9`, and returns the codes of the hold (empty when approved).
    static func reasons(for scenario: Scenario) -> (codes: [String], outputs: [OutputEvent]) {
        var h = Harness(policy: scenario == .noCreditLimit || scenario == .allAtOnce ? Fixtures.policy(defaultLimit: nil) : Fixtures.policy())
        var amount = "100.00"
        switch scenario {
        case .operatorBlocked:
            _ = CreditEngine.setBlocked(true, reason: "fraud check", by: "maria", requestId: "r1", in: &h.state, context: h.context(at: Fixtures.time("2026-11-01T09:00:00Z")))
        case .dunningBlocked:
            h.ship("O-0", invoice: "I-0", "50.00", at: "2026-09-01T10:00:00Z", dueDate: "2026-10-20")
            h.state.dunningLevel = 4  // as the scheduler would have set it
            h.state.blockedByDunning = true
        case .noCreditLimit:
            break
        case .overLimit:
            h.order("O-1", "9950.00", at: "2026-10-01T10:00:00Z")
        case .pastDueDays:
            h.ship("O-0", invoice: "I-0", "50.00", at: "2026-09-01T10:00:00Z", dueDate: "2026-09-15")
        case .pastDueAmount:
            h.ship("O-0", invoice: "I-0", "6000.00", at: "2026-10-01T10:00:00Z", dueDate: "2026-10-25")
        case .highRisk:
            // A class the stored score gives under the policy (else the policy is followed first).
            (h.state.score, h.state.riskClass) = (0, "E")
        case .maxOrderValue:
            h.state.permanentLimit = DecimalAmount("1000000.00")
            amount = "50000.01"
        case .reviewOverdue:
            h.state.reviewDate = LocalDate("2026-10-31")
        case .allAtOnce:
            h.state.operatorBlock = OperatorBlock(reason: "x", by: "y", at: Fixtures.time("2026-01-01T00:00:00Z"))
            h.ship("O-0", invoice: "I-0", "6000.00", at: "2026-09-01T10:00:00Z", dueDate: "2026-09-15")
            (h.state.score, h.state.riskClass) = (0, "E")  // after the shipment, which rescores
            h.state.reviewDate = LocalDate("2026-10-31")
            amount = "60000.00"
        }
        let outputs = h.order("O-9", amount, at: "2026-11-01T10:00:00Z")
        guard let held = outputs.data(.orderHeld), case .array(let reasons)? = held["reasons"] else { return ([], outputs) }
        return (reasons.compactMap { $0["code"]?.stringValue }, outputs)
    }

    @Test("each check fails alone", arguments: [
        (Scenario.operatorBlocked, ["CUSTOMER_BLOCKED"]),
        (.dunningBlocked, ["CUSTOMER_BLOCKED"]),
        (.noCreditLimit, ["NO_CREDIT_LIMIT"]),
        (.overLimit, ["OVER_LIMIT"]),
        (.pastDueDays, ["PAST_DUE"]),
        (.pastDueAmount, ["PAST_DUE"]),
        (.highRisk, ["HIGH_RISK"]),
        (.maxOrderValue, ["MAX_ORDER_VALUE"]),
        (.reviewOverdue, ["REVIEW_OVERDUE"]),
        (.allAtOnce, ["CUSTOMER_BLOCKED", "NO_CREDIT_LIMIT", "PAST_DUE", "HIGH_RISK", "MAX_ORDER_VALUE", "REVIEW_OVERDUE"]),
    ])
    func reasonCodes(scenario: Scenario, expected: [String]) {
        let (codes, outputs) = Self.reasons(for: scenario)
        #expect(codes == expected)
        #expect(outputs.types.first == "credit.order.held")
        if let held = outputs.data(.orderHeld), case .array(let reasons)? = held["reasons"] {
            for reason in reasons { #expect((reason["message"]?.stringValue?.count ?? 0) > 10) }
        }
    }

    @Test func passingEveryCheckApproves() {
        var h = Harness()
        let outputs = h.order("O-1", "9999.99")
        #expect(outputs.types == ["credit.order.approved", "credit.alert", "credit.alert"])  // 80 % and 90 % crossed
        let data = outputs.data(.orderApproved)
        #expect(data?["exposure"] == .string("9999.99"))
        #expect(data?["credit_limit"] == .string("10000.00"))
        #expect(data?["available_credit"] == .string("0.01"))
        #expect(data?["reasons"] == nil)
        #expect(h.status("O-1") == .approved)
    }

    @Test func exactlyAtTheLimitPasses() {
        var h = Harness()
        h.order("O-1", "4000.00")
        let outputs = h.order("O-2", "6000.00", at: "2026-11-01T11:00:00Z")
        #expect(outputs.types.first == "credit.order.approved")
        let over = h.order("O-3", "0.01", at: "2026-11-01T12:00:00Z")
        #expect(over.types.first == "credit.order.held")
    }

    @Test func heldDecisionCarriesFiguresWithoutTheHeldOrder() {
        var h = Harness()
        h.order("O-1", "6000.00")
        let data = h.order("O-2", "5000.00", at: "2026-11-01T11:00:00Z").data(.orderHeld)
        #expect(data?["exposure"] == .string("6000.00"))
        #expect(data?["available_credit"] == .string("4000.00"))
        #expect(data?["amount"] == .string("5000.00"))
        #expect(data?["currency"] == .string("EUR"))
        #expect(data?["risk_class"] == .null)
        #expect(data?["score"] == .null)
    }

    @Test func noLimitMeansNullAvailableCredit() {
        var h = Harness(policy: Fixtures.policy(defaultLimit: nil))
        let data = h.order("O-1", "1.00").data(.orderHeld)
        #expect(data?["credit_limit"] == .null)
        #expect(data?["available_credit"] == .null)
    }

    @Test func disputedInvoicesAreNotPastDue() {
        var h = Harness()
        h.ship("O-0", invoice: "I-0", "50.00", at: "2026-09-01T10:00:00Z", dueDate: "2026-09-15")
        h.dispute("I-0", at: "2026-09-20T10:00:00Z")
        #expect(h.order("O-1", "100.00").types.first == "credit.order.approved")
    }

    @Test func unappliedCashDoesNotReduceTheOverdueTotal() {
        var h = Harness()
        h.ship("O-0", invoice: "I-0", "6000.00", at: "2026-10-01T10:00:00Z", dueDate: "2026-10-25")
        h.pay("P-1", "3000.00", at: "2026-09-30T10:00:00Z", allocations: [("I-X", "3000.00")])  // waits for I-X
        #expect(h.exposure.unappliedCash == DecimalAmount("3000.00"))
        #expect(h.order("O-1", "100.00").types.first == "credit.order.held")
    }

    @Test func riskClassWithoutItsOwnMaximumUsesTheDefault() {
        var h = Harness()
        (h.state.score, h.state.riskClass) = (55, "C")
        h.state.permanentLimit = DecimalAmount("1000000.00")
        #expect(h.order("O-1", "50000.01").types.first == "credit.order.held")
        (h.state.score, h.state.riskClass) = (85, "A")
        #expect(h.order("O-2", "150000.00", at: "2026-11-01T11:00:00Z").types.first == "credit.order.approved")
    }
}
