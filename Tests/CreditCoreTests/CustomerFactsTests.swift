@testable import CreditCore
import Testing

@Suite("Credit check: the customer's facts taken once per pass")
struct CustomerFactsTests {
    /// For every state a customer can be in (blocked either way, no limit, a lower limit, past
    /// due, a held or limited risk class, a review overdue) and several orders, the facts give the
    /// codes of the full check, whatever the exposure.
    @Test(arguments: 0..<8)
    func factsGiveTheCodesOfTheFullCheck(variant: Int) {
        var h = Harness()
        h.order("O-1", "6000.00", at: "2026-11-01T10:00:00Z")
        h.ship("O-1", invoice: "I-1", "6000.00", at: "2026-09-01T10:00:00Z")   // long overdue by 2026-11
        h.order("O-2", "3000.50", at: "2026-11-01T11:00:00Z")
        switch variant {
        case 1: h.state.operatorBlock = OperatorBlock(reason: "test", by: "ops", at: Timestamp(microsecondsSinceEpoch: 0))
        case 2: h.state.blockedByDunning = true
        case 3: h.state.permanentLimit = DecimalAmount(500)
        case 4: h.state.riskClass = "E"
        case 5: h.state.riskClass = "A"; h.state.reviewDate = LocalDate(year: 2026, month: 10, day: 1)!
        case 6: h.state.temporaryLimit = TemporaryLimit(amount: DecimalAmount(20_000), expiresOn: LocalDate(year: 2026, month: 12, day: 31)!, setBy: "ops")
        case 7: h.state.riskClass = "D"; h.state.blockedByDunning = true; h.state.permanentLimit = .zero
        default: break
        }
        let policy = h.policy
        let today = LocalDate(year: 2026, month: 11, day: 20)!
        let overdue = h.state.overdue(on: today)
        let facts = CreditCheck.CustomerFacts(state: h.state, policy: policy, today: today, overdue: overdue)
        for (total, open) in [("100.00", "100.00"), ("9000.00", "4000.00"), ("60000.00", "60000.00"), ("0", "0")] {
            for exposure in ["-5000.00", "0", "5999.99", "9999.99", "12000.00"] {
                let total = try! DecimalAmount.parse(total).get(), open = try! DecimalAmount.parse(open).get()
                let exposure = try! DecimalAmount.parse(exposure, allowNegative: true).get()
                let full = CreditCheck.failingCodes(orderId: "X", orderTotal: total, openAmount: open, state: h.state, policy: policy,
                                                    today: today, exposureWithoutOrder: exposure, overdue: overdue)
                #expect(facts.failingCodes(orderTotal: total, openAmount: open, exposureWithoutOrder: exposure) == full)
            }
        }
    }
}
