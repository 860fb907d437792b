@testable import CreditCore
import Testing
import CreditTestSupport

/// The open-invoice index, kept change by change, must equal one built afresh from the invoices,
/// in the order payments take invoices (due date, then id byte by byte, undated last).
@Suite("Open-invoice index")
struct OpenInvoiceIndexTests {
    private func invoice(_ id: String, open: Int, due: Int?) -> Invoice {
        var invoice = Invoice(invoiceId: id)
        invoice.issued = true
        invoice.amount = DecimalAmount(max(open, 1))
        invoice.openAmount = DecimalAmount(open)
        invoice.dueDate = due.map { LocalDate(daysSinceEpoch: $0) }
        return invoice
    }

    @Test func ordersByDueThenIdWithUndatedLast() {
        let index = OpenInvoiceIndex([
            invoice("I-b", open: 5, due: 20), invoice("I-a", open: 5, due: 20), invoice("I-z", open: 5, due: 3),
            invoice("I-none", open: 5, due: nil), invoice("I-paid", open: 0, due: 1), invoice("I-Z", open: 5, due: 20),
        ])
        #expect(index.ordered.map(\.invoiceId) == ["I-z", "I-Z", "I-a", "I-b", "I-none"])
        #expect(index.contains("I-a") && !index.contains("I-paid"))
        #expect(index.count == 5)
    }

    @Test(arguments: [1, 2, 3, 4])
    func changesKeptOneByOneEqualARebuild(seed: UInt64) {
        var random = SplitMix64(seed: seed)
        var invoices: [String: Invoice] = [:]
        var index = OpenInvoiceIndex()
        for step in 0..<3_000 {
            let id = "I-\(Int.random(in: 0..<60, using: &random))"
            switch Int.random(in: 0..<5, using: &random) {
            case 0: invoices[id] = nil  // taken back (an undo to before it existed)
            case 1: invoices[id] = invoice(id, open: 0, due: Int.random(in: 0..<30, using: &random))  // paid
            case 2: invoices[id] = invoice(id, open: 7, due: nil)
            default:  // opened, or its due date or open amount changed
                invoices[id] = invoice(id, open: Int.random(in: 1..<9, using: &random), due: Int.random(in: 0..<30, using: &random))
            }
            index.update(id, invoices[id])
            #expect(index == OpenInvoiceIndex(invoices.values), "drifted at step \(step)")
            #expect(zip(index.ordered, index.ordered.dropFirst()).allSatisfy { $0 < $1 })
        }
    }

    /// Through the ledger: an unallocated payment takes the oldest due first, the lower id on a
    /// tie, skips a disputed invoice, and the overdue figures count only the past-due front.
    @Test func aPaymentTakesTheFrontOfTheOrder() {
        var h = Harness()
        for (n, due) in [(1, "2026-12-20"), (2, "2026-12-05"), (3, "2026-12-05"), (4, "2026-12-01")] {
            h.order("O-\(n)", "100.00", at: "2026-11-0\(n)T10:00:00Z")
            h.ship("O-\(n)", invoice: "I-\(n)", "100.00", at: "2026-11-0\(n)T11:00:00Z", dueDate: due)
        }
        h.dispute("I-4", at: "2026-11-05T10:00:00Z")
        #expect(h.state.ledger.openInvoices.ordered.map(\.invoiceId) == ["I-4", "I-2", "I-3", "I-1"])
        h.pay("P-1", "150.00", at: "2026-11-06T10:00:00Z")
        let ledger = h.state.ledger
        #expect(ledger.invoices["I-2"]?.openAmount == .zero)
        #expect(ledger.invoices["I-3"]?.openAmount == DecimalAmount(50))
        #expect(ledger.invoices["I-4"]?.openAmount == DecimalAmount(100), "a disputed invoice is not taken")
        #expect(ledger.openInvoices.ordered.map(\.invoiceId) == ["I-4", "I-3", "I-1"])
        let overdue = h.state.overdue(on: LocalDate(year: 2026, month: 12, day: 10)!)
        #expect(overdue.count == 1 && overdue.total == DecimalAmount(50), "I-3 is past due, I-4 disputed, I-1 not yet due")
    }
}
