@testable import CreditCore
import Testing

@Suite("Held orders and exposure from one walk")
struct HeldOrdersWalkTests {
    /// A customer over its 10,000 limit: approved, held, shipped, partly shipped and cancelled
    /// orders, one of them with an undecided open amount (a decision removed), at each step.
    @Test func oneWalkGivesTheHeldOrdersAndTheExposureOfTheTwoWalks() {
        var h = Harness()
        var checked = 0
        func check(_ h: Harness) {
            let (held, exposure) = h.state.heldOrdersAndExposure()
            #expect(held == h.state.heldOrdersOldestFirst)
            #expect(exposure == h.state.exposure().total)
            #expect(exposure.scale == h.state.exposure().total.scale)
            checked += 1
        }
        check(h)
        h.order("O-1", "6000.00", at: "2026-11-01T10:00:00Z"); check(h)
        h.order("O-2", "3000.50", at: "2026-11-01T11:00:00Z"); check(h)
        h.order("O-3", "5000.00", at: "2026-11-01T12:00:00Z"); check(h)   // held: over the limit
        h.order("O-4", "7000.00", at: "2026-11-01T12:00:00Z"); check(h)   // held too, at the same business time as O-3
        h.order("O-5", "100.25", at: "2026-11-01T13:00:00Z"); check(h)
        h.ship("O-1", invoice: "I-1", "2500.00", at: "2026-11-02T10:00:00Z"); check(h)
        h.ship("O-2", invoice: "I-2", "3000.50", at: "2026-11-02T11:00:00Z"); check(h)
        h.cancel("O-5", at: "2026-11-02T12:00:00Z"); check(h)
        h.pay("P-1", "2500.00", at: "2026-11-03T10:00:00Z"); check(h)    // may release O-3
        h.state.orderDecisions["O-4"] = nil; check(h)                     // an open order without a decision counts nowhere
        #expect(!h.state.heldOrdersOldestFirst.isEmpty)
        #expect(checked == 11)
    }
}
