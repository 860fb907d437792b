import Testing
@testable import CreditCore

@Suite("Receivables: payments, returns, reversals, disputes")
struct ReceivablesTests {
    /// Three invoices: I-1 due 2026-12-01, I-2 due 2026-11-20, I-3 due 2026-11-20 (ties with I-2).
    static func threeInvoices() -> Harness {
        var h = Harness()
        h.state.permanentLimit = DecimalAmount("100000.00")
        h.order("O-1", "3000.00")
        h.ship("O-1", invoice: "I-1", "1000.00", at: "2026-11-01T11:00:00Z", dueDate: "2026-12-01")
        h.ship("O-1", invoice: "I-3", "1000.00", at: "2026-11-01T12:00:00Z", dueDate: "2026-11-20")
        h.ship("O-1", invoice: "I-2", "1000.00", at: "2026-11-01T13:00:00Z", dueDate: "2026-11-20")
        return h
    }

    @Test func paymentPaysOldestDueFirstTiesByInvoiceId() {
        var h = Self.threeInvoices()
        h.pay("P-1", "1500.00", at: "2026-11-05T10:00:00Z")
        #expect(h.open("I-2") == .zero)
        #expect(h.open("I-3") == DecimalAmount("500.00"))
        #expect(h.open("I-1") == DecimalAmount("1000.00"))
        #expect(h.state.ledger.invoices["I-2"]?.paidDate == LocalDate("2026-11-05"))
    }

    @Test func namedAllocationsComeFirst() {
        var h = Self.threeInvoices()
        h.pay("P-1", "1500.00", at: "2026-11-05T10:00:00Z", allocations: [("I-1", "800.00")])
        #expect(h.open("I-1") == DecimalAmount("200.00"))
        #expect(h.open("I-2") == DecimalAmount("300.00"))
        #expect(h.open("I-3") == DecimalAmount("1000.00"))
    }

    @Test func allocationLargerThanTheInvoiceSpillsIntoTheRemainder() {
        var h = Self.threeInvoices()
        h.pay("P-1", "1500.00", at: "2026-11-05T10:00:00Z", allocations: [("I-1", "1200.00")])
        #expect(h.open("I-1") == .zero)
        #expect(h.open("I-2") == DecimalAmount("500.00"))
    }

    @Test func disputedInvoicesAreSkippedByTheRemainder() {
        var h = Self.threeInvoices()
        h.dispute("I-2", at: "2026-11-04T10:00:00Z")
        h.pay("P-1", "1000.00", at: "2026-11-05T10:00:00Z")
        #expect(h.open("I-2") == DecimalAmount("1000.00"))
        #expect(h.open("I-3") == .zero)
        h.resolve("I-2", at: "2026-11-06T10:00:00Z")
        h.pay("P-2", "100.00", at: "2026-11-07T10:00:00Z")
        #expect(h.open("I-2") == DecimalAmount("900.00"))
    }

    @Test func overpaymentBecomesUnappliedCashAndExposureCanGoNegative() {
        var h = Self.threeInvoices()
        h.pay("P-1", "3500.00", at: "2026-11-05T10:00:00Z")
        #expect(h.exposure.openReceivables == .zero)
        #expect(h.exposure.unappliedCash == DecimalAmount("500.00"))
        #expect(h.exposure.total == DecimalAmount("-500.00"))
        // Unapplied cash does not pay a later invoice by itself.
        h.order("O-2", "400.00", at: "2026-11-06T10:00:00Z")
        h.ship("O-2", invoice: "I-4", "400.00", at: "2026-11-07T10:00:00Z")
        #expect(h.open("I-4") == DecimalAmount("400.00"))
        #expect(h.exposure.total == DecimalAmount("-100.00"))
    }

    @Test func reversalOfASplitPaymentUndoesExactlyWhatItDid() {
        var h = Self.threeInvoices()
        h.pay("P-0", "200.00", at: "2026-11-04T10:00:00Z", allocations: [("I-1", "200.00")])
        let before = h.state.ledger
        h.pay("P-1", "2900.00", at: "2026-11-05T10:00:00Z", allocations: [("I-1", "300.00")])
        #expect(h.open("I-1") == .zero)
        #expect(h.open("I-2") == .zero)
        #expect(h.open("I-3") == .zero)
        #expect(h.exposure.unappliedCash == DecimalAmount("100.00"))
        let outputs = h.reverse("P-1", at: "2026-11-06T10:00:00Z", reason: "chargeback")
        #expect(h.open("I-1") == DecimalAmount("800.00"))
        #expect(h.open("I-2") == DecimalAmount("1000.00"))
        #expect(h.open("I-3") == DecimalAmount("1000.00"))
        #expect(h.exposure.unappliedCash == .zero)
        #expect(h.state.ledger.invoices.mapValues(\.openAmount) == before.invoices.mapValues(\.openAmount))
        #expect(h.state.ledger.invoices["I-2"]?.paidDate == nil)
        let alert = outputs.first { $0.type == .alert }
        #expect(alert?.data["code"] == .string("PAYMENT_REVERSED"))
        #expect(alert?.data["amount"] == .string("2900.00"))
        #expect(alert?.data["reason"] == .string("chargeback"))
    }

    @Test func reversalBeforeItsPaymentNullifiesIt() {
        var h = Self.threeInvoices()
        h.reverse("P-1", at: "2026-11-06T10:00:00Z")
        h.pay("P-1", "1000.00", at: "2026-11-05T10:00:00Z")
        #expect(h.exposure.openReceivables == DecimalAmount("3000.00"))
        #expect(h.exposure.unappliedCash == .zero)
    }

    @Test func allocationToAnUnknownInvoiceWaitsForIt() {
        var h = Harness()
        h.pay("P-1", "500.00", at: "2026-11-01T09:00:00Z", allocations: [("I-9", "500.00")])
        #expect(h.exposure.unappliedCash == DecimalAmount("500.00"))
        h.order("O-9", "800.00", at: "2026-11-01T08:00:00Z")
        h.ship("O-9", invoice: "I-8", "300.00", at: "2026-11-01T08:30:00Z")  // earlier invoice: not allocated
        h.ship("O-9", invoice: "I-9", "500.00", at: "2026-11-02T10:00:00Z")
        #expect(h.open("I-9") == .zero)
        #expect(h.open("I-8") == DecimalAmount("300.00"))
        #expect(h.exposure.unappliedCash == .zero)
        #expect(h.exposure.total == DecimalAmount("300.00"))
    }

    @Test func returnReducesOpenAndExcessBecomesUnappliedCash() {
        var h = Self.threeInvoices()
        h.returnGoods(invoice: "I-1", "300.00", at: "2026-11-05T10:00:00Z")
        #expect(h.open("I-1") == DecimalAmount("700.00"))
        h.pay("P-1", "500.00", at: "2026-11-06T10:00:00Z", allocations: [("I-1", "500.00")])
        h.returnGoods(invoice: "I-1", "400.00", at: "2026-11-07T10:00:00Z")
        #expect(h.open("I-1") == .zero)
        #expect(h.exposure.unappliedCash == DecimalAmount("200.00"))
    }

    @Test func returnBeforeItsInvoiceWaitsForIt() {
        var h = Harness()
        h.returnGoods(invoice: "I-1", "100.00", at: "2026-11-03T10:00:00Z")
        #expect(h.exposure.total == .zero)
        h.order("O-1", "1000.00")
        h.ship("O-1", invoice: "I-1", "600.00", at: "2026-11-02T10:00:00Z")
        #expect(h.open("I-1") == DecimalAmount("500.00"))
    }

    @Test func disputeBeforeItsInvoiceWaitsForIt() {
        var h = Harness()
        h.dispute("I-1", at: "2026-11-01T09:00:00Z")
        h.ship("O-1", invoice: "I-1", "600.00", at: "2026-11-02T10:00:00Z")
        #expect(h.state.ledger.invoices["I-1"]?.disputed == true)
    }

    @Test func curedDunningResetsUnblocksAndReleases() {
        var h = Harness(now: Fixtures.time("2026-12-20T10:00:00Z"))
        h.ship("O-0", invoice: "I-0", "500.00", at: "2026-10-01T10:00:00Z", dueDate: "2026-10-31")
        h.state.dunningLevel = 4
        h.state.blockedByDunning = true
        h.order("O-1", "100.00", at: "2026-12-19T10:00:00Z")
        #expect(h.status("O-1") == .held)
        let outputs = h.pay("P-1", "500.00", at: "2026-12-20T09:00:00Z")
        #expect(outputs.types.prefix(2) == ["credit.customer.unblocked", "credit.order.released"])
        #expect(h.state.dunningLevel == 0 && !h.state.blockedByDunning)
    }

    @Test func partialCureLeavesTheDunningLevel() {
        var h = Harness(now: Fixtures.time("2026-12-20T10:00:00Z"))
        h.ship("O-0", invoice: "I-0", "500.00", at: "2026-10-01T10:00:00Z", dueDate: "2026-10-31")
        h.state.dunningLevel = 2
        h.pay("P-1", "300.00", at: "2026-12-20T09:00:00Z")
        #expect(h.state.dunningLevel == 2)
    }

    @Test func disputingTheLastOverdueInvoiceAlsoCures() {
        var h = Harness(now: Fixtures.time("2026-12-20T10:00:00Z"))
        h.ship("O-0", invoice: "I-0", "500.00", at: "2026-10-01T10:00:00Z", dueDate: "2026-10-31")
        h.state.dunningLevel = 1
        let outputs = h.dispute("I-0", at: "2026-12-20T09:00:00Z")
        #expect(h.state.dunningLevel == 0)
        #expect(outputs.isEmpty)  // level 1 did not block: nothing to unblock
    }
}
