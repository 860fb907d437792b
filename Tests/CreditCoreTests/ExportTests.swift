import Testing
@testable import CreditCore

@Suite("State export")
struct ExportTests {
    @Test func matchesTheOperationsShape() {
        var h = Harness()
        h.order("O-1", "500.00")
        h.order("O-3", "1200.00", at: "2026-11-01T09:00:00Z")
        h.order("O-2", "9000.00", at: "2026-11-01T11:00:00Z")
        h.ship("O-3", invoice: "I-1", "1200.00", at: "2026-11-28T10:00:00Z")
        h.state.dunningLevel = 1
        let text = h.exportText(asOf: "2026-11-28")
        #expect(text == #"{"customers":[{"customer_id":"C-1","credit_limit":"10000.00","currency":"EUR","exposure":{"open_orders":"500.00","open_receivables":"1200.00","unapplied_cash":"0.00","total":"1700.00"},"score":null,"risk_class":null,"dunning_level":1,"blocked":false,"open_orders":[{"order_id":"O-1","open_amount":"500.00","held":false},{"order_id":"O-2","open_amount":"9000.00","held":true}],"held_orders":[{"order_id":"O-2","open_amount":"9000.00","reasons":["OVER_LIMIT"]}],"open_invoices":[{"invoice_id":"I-1","open_amount":"1200.00","due_date":"2026-12-28","disputed":false}]}]}"#)
    }

    @Test func customersAreSortedById() {
        let policy = Fixtures.policy()
        let states = ["C-2", "C-10", "B-1"].map { CreditEngine.newCustomer(id: $0, policy: policy) }
        let document = StateExport.document(states, policy: policy, asOf: LocalDate("2026-11-28")!)
        guard case .array(let customers)? = document["customers"] else {
            Issue.record("no customers list")
            return
        }
        #expect(customers.compactMap { $0["customer_id"]?.stringValue } == ["B-1", "C-10", "C-2"])
    }

    @Test func heldReasonsStayCurrentAfterARecheck() {
        var h = Harness()
        h.order("O-1", "12000.00")
        h.state.operatorBlock = OperatorBlock(reason: "x", by: "maria", at: Fixtures.time("2026-11-01T00:00:00Z"))
        h.dispute("I-404", at: "2026-11-02T10:00:00Z")  // any event that re-checks
        #expect(h.exportText().contains(#""reasons":["CUSTOMER_BLOCKED","OVER_LIMIT"]"#))
    }
}
