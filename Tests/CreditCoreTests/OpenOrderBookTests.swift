import Testing
@testable import CreditCore
import CreditTestSupport

/// The engine reads exposure and the held orders through `OpenOrderBook`, kept current event by
/// event. `Harness.send` checks after every event that the book equals one built afresh and that
/// every figure read through it equals a walk over the open orders; these histories make sure
/// that check meets many held orders, releases, ties in first-seen order and late entries.
@Suite("Open-order book")
struct OpenOrderBookTests {
    /// A busy account over its limit: orders, raises, cuts, cancellations, partial shipments and
    /// payments, arriving up to a few days out of business-time order.
    @Test(arguments: [1, 2, 3])
    func aLongBusyHistoryKeepsTheBookEqualToAWalk(seed: UInt64) {
        var random = SplitMix64(seed: seed)
        var h = Harness()
        var events: [(minute: Int, send: (inout Harness, String) -> Void)] = []
        var orders: [String] = []
        for step in 0..<400 {
            let minute = step * 60 + Int(random.next() % 4_000)  // up to ~3 days late or early
            switch random.next() % 10 {
            case 0, 1, 2, 3:
                let id = "O-\(step)"
                orders.append(id)
                let amount = "\(1_000 + random.next() % 6_000).00"
                events.append((minute, { h, time in h.order(id, amount, at: time) }))
            case 4 where !orders.isEmpty:
                let id = orders[Int(random.next() % UInt64(orders.count))]
                let amount = "\(500 + random.next() % 8_000).00"
                events.append((minute, { h, time in h.amend(id, amount, at: time) }))
            case 5 where !orders.isEmpty:
                let id = orders[Int(random.next() % UInt64(orders.count))]
                events.append((minute, { h, time in h.cancel(id, at: time) }))
            case 6 where !orders.isEmpty, 7 where !orders.isEmpty:
                let id = orders[Int(random.next() % UInt64(orders.count))]
                let amount = "\(200 + random.next() % 3_000).00"
                events.append((minute, { h, time in h.ship(id, invoice: "I-\(step)", amount, at: time) }))
            default:
                let amount = "\(1_000 + random.next() % 9_000).00"
                events.append((minute, { h, time in h.pay("P-\(step)", amount, at: time) }))
            }
        }
        var released = 0
        var maxHeld = 0
        for event in events {
            let time = Timestamp(microsecondsSinceEpoch: (1_793_520_000 + Int64(event.minute) * 60) * 1_000_000).rfc3339
            let before = h.state.orderDecisions.values.filter { $0.status == .released }.count
            event.send(&h, time)
            released += h.state.orderDecisions.values.filter { $0.status == .released }.count - before
            maxHeld = max(maxHeld, h.state.heldOrderSlotsAndExposure().held.count)
            // The re-check pass's walk by index visits the held orders of the book, in its order.
            if h.state.hasOpenOrderBook {
                var walked: [OpenOrderBook.Held] = []
                while let held = h.state.heldOrder(at: walked.count) { walked.append(held) }
                #expect(walked == h.state.heldOrderSlotsAndExposure().held)
            }
        }
        // The history did what it is here for: many orders held at once, and releases.
        #expect(maxHeld >= 10)
        #expect(released >= 5)
    }

    /// Orders first seen in the same position sort by id; a release takes the oldest first.
    @Test func heldOrdersLeaveTheBookOldestFirst() {
        var h = Harness()
        h.order("O-1", "9000.00", at: "2026-11-01T10:00:00Z")
        for index in 2...40 { h.order("O-\(index)", "500.00", at: "2026-11-01T11:00:00Z") }
        let held = h.state.heldOrderSlotsAndExposure().held.map(\.orderId)
        #expect(held.count > 20)
        #expect(held == held.sorted { h.state.orderDecisions[$0]!.firstSeenSequence < h.state.orderDecisions[$1]!.firstSeenSequence })
        h.ship("O-1", invoice: "I-1", "9000.00", at: "2026-11-02T10:00:00Z")
        h.pay("P-1", "9000.00", at: "2026-11-03T10:00:00Z")
        let stillHeld = h.state.heldOrderSlotsAndExposure().held.map(\.orderId)
        // The payment freed room for some: exactly the oldest ones went, the rest keep their order.
        #expect(stillHeld.count < held.count && !stillHeld.isEmpty)
        #expect(Array(held.suffix(stillHeld.count)) == stillHeld)
        #expect(held.prefix(held.count - stillHeld.count).allSatisfy { h.state.orderDecisions[$0]?.status == .released })
    }
}
