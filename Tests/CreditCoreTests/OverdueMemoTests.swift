@testable import CreditCore
import Testing

/// The overdue figures are worked out once per ledger and day. A change to the ledger must give
/// new figures, and a copy of the state that changes its ledger must not change the original's.
@Suite("Overdue memo")
struct OverdueMemoTests {
    @Test func aLedgerChangeGivesNewFiguresAndCopiesKeepTheirOwn() {
        var h = Harness()
        h.order("O-1", "3000.00", at: "2026-11-01T10:00:00Z")
        h.ship("O-1", invoice: "I-1", "3000.00", at: "2026-11-02T10:00:00Z", dueDate: "2026-12-02")
        let day = LocalDate(year: 2027, month: 1, day: 15)!
        let before = h.state.overdue(on: day)
        #expect(before.count == 1 && before.total == DecimalAmount(3000))
        #expect(h.state.overdue(on: day) == before)  // read again: the same figures
        let original = h.state
        h.pay("P-1", "1000.00", at: "2026-11-20T10:00:00Z", allocations: [("I-1", "1000.00")])
        #expect(h.state.overdue(on: day).total == DecimalAmount(2000))
        #expect(original.overdue(on: day) == before, "the copy taken before the payment keeps its figures")
        // Another day is worked out afresh, and so is the first day again after it.
        #expect(h.state.overdue(on: LocalDate(year: 2026, month: 12, day: 1)!).count == 0)
        #expect(h.state.overdue(on: day) == h.state.walkOverdue(on: day))
    }
}
