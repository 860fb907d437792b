@testable import CreditCore
import Testing

@Suite("Held order slots")
struct HeldOrderSlotsTests {
    /// The slots the re-check pass walks are the held orders of `heldOrdersAndExposure`, in the
    /// same order and with the order's amounts, and the exposure is the same, at every step.
    @Test func slotsAreTheHeldOrdersOfTheWalkInTheSameOrder() {
        var h = Harness()
        var checked = 0
        func check(_ h: Harness) {
            let (held, exposure) = h.state.heldOrdersAndExposure()
            let (slots, slotExposure) = h.state.heldOrderSlotsAndExposure()
            let withOrders = held.filter { h.state.ledger.orders[$0.orderId] != nil }
            #expect(slots.map(\.orderId) == withOrders.map(\.orderId))
            #expect(slots.map { h.state.orderDecisions[$0.orderId] } == withOrders)
            #expect(slots.map(\.codes) == withOrders.map { HoldReasonCodes(exactly: $0.reasons) })
            #expect(slots.map(\.openAmount) == withOrders.map { h.state.ledger.orders[$0.orderId]!.openAmount })
            #expect(slots.map(\.total) == withOrders.map { h.state.ledger.orders[$0.orderId]!.total })
            #expect(slotExposure == exposure)
            #expect(slotExposure.scale == exposure.scale)
            checked += 1
        }
        check(h)
        h.order("O-1", "6000.00", at: "2026-11-01T10:00:00Z"); check(h)
        h.order("O-2", "3000.50", at: "2026-11-01T11:00:00Z"); check(h)
        h.order("O-3", "5000.00", at: "2026-11-01T12:00:00Z"); check(h)   // held: over the limit
        h.order("O-4", "7000.00", at: "2026-11-01T12:00:00Z"); check(h)   // held too
        h.order("O-6", "9000.00", at: "2026-11-01T12:30:00Z"); check(h)   // held
        h.ship("O-1", invoice: "I-1", "2500.00", at: "2026-11-02T10:00:00Z"); check(h)
        h.cancel("O-4", at: "2026-11-02T12:00:00Z"); check(h)
        h.pay("P-1", "2500.00", at: "2026-11-03T10:00:00Z"); check(h)
        #expect(h.state.heldOrderSlotsAndExposure().held.count >= 1)
        #expect(checked == 9)
    }

    /// A release in the pass changes decisions in place; the held orders after it keep their slots.
    @Test func aPassThatReleasesSeveralOrdersReleasesThemOldestFirst() {
        var h = Harness()
        h.order("O-1", "9000.00", at: "2026-11-01T10:00:00Z")
        h.order("O-2", "4000.00", at: "2026-11-01T11:00:00Z")   // held: over the limit
        h.order("O-3", "3000.00", at: "2026-11-01T11:00:00Z")   // held
        #expect(h.state.orderDecisions["O-2"]?.status == .held)
        #expect(h.state.orderDecisions["O-3"]?.status == .held)
        h.cancel("O-1", at: "2026-11-02T10:00:00Z")
        #expect(h.state.orderDecisions["O-2"]?.status == .released)
        #expect(h.state.orderDecisions["O-3"]?.status == .released)
        #expect(h.state.orderDecisions["O-2"]?.reasons == [])
        #expect(h.state.orderDecisions["O-3"]?.releasedBy == "auto")
    }
}
