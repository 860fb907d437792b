import Testing
@testable import CreditCore

@Suite("Alerts")
struct AlertTests {
    @Test func utilizationAlertsOncePerCrossingAndReArms() {
        var h = Harness()
        let first = h.order("O-1", "8000.00")
        #expect(first.alertCodes == ["LIMIT_UTILIZATION"])
        let alert = first.first { $0.type == .alert }
        #expect(alert?.data["threshold"] == .number("80"))
        #expect(alert?.data["utilization"] == .number("80.0"))
        #expect(alert?.data["severity"] == .string("info"))
        #expect(h.order("O-2", "500.00", at: "2026-11-01T11:00:00Z").alertCodes.isEmpty)  // 85 %: nothing new
        #expect(h.order("O-3", "600.00", at: "2026-11-01T12:00:00Z").alertCodes == ["LIMIT_UTILIZATION"])  // 91 %
        h.cancel("O-1", at: "2026-11-02T10:00:00Z")  // 11 %: both re-armed
        #expect(h.state.utilizationCrossed.isEmpty)
        let again = h.amend("O-2", "9000.00", at: "2026-11-03T10:00:00Z")  // 96 %
        #expect(again.alertCodes == ["LIMIT_UTILIZATION", "LIMIT_UTILIZATION"])
        #expect(again.filter { $0.type == .alert }.compactMap { $0.data["severity"]?.stringValue } == ["info", "warning"])
    }

    @Test func fullUtilizationIsCritical() {
        var h = Harness()
        let outputs = h.order("O-1", "10000.00")
        #expect(outputs.filter { $0.type == .alert }.compactMap { $0.data["severity"]?.stringValue } == ["info", "warning", "critical"])
    }

    @Test func largeOrderHeld() {
        var h = Harness()
        let outputs = h.order("O-1", "25000.01")
        #expect(outputs.types == ["credit.order.held", "credit.alert"])
        #expect(outputs.alertCodes == ["LARGE_ORDER_HELD"])
        #expect(h.order("O-2", "25000.00", at: "2026-11-01T11:00:00Z").alertCodes.isEmpty)
    }

    @Test func paymentReversedAlertsEvenForAnUnknownPayment() {
        var h = Harness()
        let outputs = h.reverse("P-9", at: "2026-11-01T10:00:00Z")
        #expect(outputs.alertCodes == ["PAYMENT_REVERSED"])
        #expect(outputs.first?.data["amount"] == .null)
        // The message says why the amount is missing.
        guard case .string(let message)? = outputs.first?.data["message"] else { Issue.record("no message"); return }
        #expect(message.contains("has not been received yet"), "\(message)")
        var known = Harness()
        known.pay("P-1", "100.00", at: "2026-11-01T10:00:00Z")
        let reversed = known.reverse("P-1", at: "2026-11-02T10:00:00Z")
        #expect(reversed.first?.data["amount"] == .string("100.00"))
        #expect(reversed.first?.data["message"] == .string("Payment P-1 was reversed (NSF)."))
    }

    /// A producer repeating a reversal under a new id: the ledger ignores it, and so do alerts.
    @Test func aRepeatedReversalOfAReversedPaymentRaisesNoSecondAlert() {
        var h = Harness()
        h.pay("P-1", "100.00", at: "2026-11-01T10:00:00Z")
        #expect(h.reverse("P-1", at: "2026-11-02T10:00:00Z").alertCodes == ["PAYMENT_REVERSED"])
        let again = h.send(Fixtures.event("payment.reversed", id: "pv-P-1-again", time: "2026-11-03T10:00:00Z",
                                          data: #"{"payment_id":"P-1","customer_id":"C-1","reason":"NSF"}"#))
        #expect(again.alertCodes.isEmpty)
    }

    @Test func everyAlertCodeIsTheContractsString() {
        #expect(AlertCode.allCases.map(\.rawValue) == ["LIMIT_UTILIZATION", "LARGE_ORDER_HELD", "PAYMENT_REVERSED", "DUNNING_ESCALATED",
                                                      "RISK_DOWNGRADE", "SHIPPED_WHILE_HELD", "BUREAU_DEROGATORY", "DEAD_LETTER", "REVIEW_OVERDUE"])
        #expect(HoldReasonCode.allCases.map(\.rawValue) == ["CUSTOMER_BLOCKED", "NO_CREDIT_LIMIT", "OVER_LIMIT", "PAST_DUE", "HIGH_RISK",
                                                           "MAX_ORDER_VALUE", "REVIEW_OVERDUE"])
    }
}
