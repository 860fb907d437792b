import CreditCore
import CreditStore
import Foundation
import GRDB
import Testing
@testable import CreditDaemon

/// The collection report counts a dunning notice as cured only when the customer paid: a level
/// back to 0 because the invoice was disputed leaves its notices uncured.
@Suite("Dunning cures in the collection history")
struct DunningCureTests {
    @Test func aPaymentCuresTheNoticesAndADisputeDoesNot() throws {
        var fixture = try EventClockFixture()
        defer { fixture.remove() }
        let processor = fixture.processor
        func add(_ type: String, _ id: String, _ time: String, _ data: String) { fixture.add(type, id, time, data) }
        for customer in ["C-1", "C-2"] {
            add("order.created", "o-\(customer)", "2026-01-01T10:00:00Z",
                #"{"order_id":"O-\#(customer)","customer_id":"\#(customer)","amount":"500.00","currency":"EUR"}"#)
            add("shipment.shipped", "s-\(customer)", "2026-01-01T11:00:00Z",
                #"{"shipment_id":"S-\#(customer)","order_id":"O-\#(customer)","customer_id":"\#(customer)","invoice_id":"I-\#(customer)","amount":"500.00","currency":"EUR","due_date":"2026-01-31"}"#)
        }
        // The ticks up to 2026-02-03 run before this event: level 1 for both on 2026-02-01.
        add("order.created", "o-C-3", "2026-02-03T10:00:00Z", #"{"order_id":"O-C-3","customer_id":"C-3","amount":"1.00","currency":"EUR"}"#)
        add("payment.received", "p-C-1", "2026-02-05T10:00:00Z", #"{"payment_id":"P-1","customer_id":"C-1","amount":"500.00","currency":"EUR"}"#)
        add("dispute.opened", "d-C-2", "2026-02-05T11:00:00Z", #"{"invoice_id":"I-C-2","customer_id":"C-2"}"#)
        _ = try processor.process(fixture.messages, wallNow: Timestamp(microsecondsSinceEpoch: 0))

        let rows = try processor.database.read { db in
            try Row.fetchAll(db, sql: "SELECT customer_id, level, date, cured_on FROM dunning_notices ORDER BY customer_id")
        }
        #expect(rows.map { $0[0] as String } == ["C-1", "C-2"])
        #expect(rows.allSatisfy { ($0[1] as Int) == 1 && ($0[2] as String) == "2026-02-01" })
        #expect(rows.first?[3] as String? == "2026-02-05", "paid: cured")
        #expect(rows.last?[3] as String? == nil, "disputed: back to level 0, but not paid")
        let states = try processor.database.read { db in try ["C-1", "C-2"].compactMap { try StateCodec.load(db, id: $0) } }
        #expect(states.map(\.dunningLevel) == [0, 0])
    }

    /// Notices a dispute ended uncured stay uncured when a later payment cures later notices.
    @Test func aPaymentAfterADisputeCuresOnlyTheNoticesSinceTheReset() throws {
        var fixture = try EventClockFixture()
        defer { fixture.remove() }
        let processor = fixture.processor
        func add(_ type: String, _ id: String, _ time: String, _ data: String) { fixture.add(type, id, time, data) }
        add("shipment.shipped", "s-a", "2026-01-01T11:00:00Z",
            #"{"shipment_id":"S-A","order_id":"O-A","customer_id":"C-2","invoice_id":"I-A","amount":"500.00","currency":"EUR","due_date":"2026-01-31"}"#)
        add("order.created", "o-x", "2026-02-03T10:00:00Z", #"{"order_id":"O-X","customer_id":"C-9","amount":"1.00","currency":"EUR"}"#)
        add("dispute.opened", "d-a", "2026-02-05T11:00:00Z", #"{"invoice_id":"I-A","customer_id":"C-2"}"#)
        add("shipment.shipped", "s-b", "2026-02-06T11:00:00Z",
            #"{"shipment_id":"S-B","order_id":"O-B","customer_id":"C-2","invoice_id":"I-B","amount":"300.00","currency":"EUR","due_date":"2026-02-10"}"#)
        add("order.created", "o-y", "2026-02-13T10:00:00Z", #"{"order_id":"O-Y","customer_id":"C-9","amount":"1.00","currency":"EUR"}"#)
        add("payment.received", "p-b", "2026-02-15T10:00:00Z", #"{"payment_id":"P-B","customer_id":"C-2","amount":"300.00","currency":"EUR"}"#)
        _ = try processor.process(fixture.messages, wallNow: Timestamp(microsecondsSinceEpoch: 0))

        let rows = try processor.database.read { db in
            try Row.fetchAll(db, sql: "SELECT date, cured_on, closed_on FROM dunning_notices WHERE customer_id = 'C-2' ORDER BY date")
                .map { "\($0[0] as String) cured \($0[1] as String? ?? "-") closed \($0[2] as String? ?? "-")" }
        }
        #expect(rows == ["2026-02-01 cured - closed 2026-02-05", "2026-02-11 cured 2026-02-15 closed -"], "\(rows)")
    }

    /// A held order held again by a raising amendment is one hold in the figures, of its new value.
    @Test func aHoldRaisedWhileHeldIsOneHold() throws {
        var fixture = try EventClockFixture()
        defer { fixture.remove() }
        let processor = fixture.processor
        func add(_ type: String, _ id: String, _ time: String, _ data: String) { fixture.add(type, id, time, data) }
        add("order.created", "o", "2026-01-01T10:00:00Z", #"{"order_id":"O-H","customer_id":"C-1","amount":"150000.00","currency":"EUR"}"#)
        add("order.amended", "a1", "2026-01-05T10:00:00Z", #"{"order_id":"O-H","customer_id":"C-1","amount":"160000.00","currency":"EUR"}"#)
        add("order.amended", "a2", "2026-01-10T10:00:00Z", #"{"order_id":"O-H","customer_id":"C-1","amount":"50000.00","currency":"EUR"}"#)
        let outcome = try processor.process(fixture.messages, wallNow: Timestamp(microsecondsSinceEpoch: 0))
        #expect(outcome.outputs.filter { $0.type == .orderHeld }.count == 2, "held, and held again for the new value")
        let rows = try processor.database.read { db in
            try Row.fetchAll(db, sql: "SELECT value, held_at, released_at, released_by FROM holds WHERE order_id = 'O-H'")
                .map { "\($0[0] as String) \($0[1] as String) \($0[2] as String? ?? "-") \($0[3] as String? ?? "-")" }
        }
        #expect(rows == ["160000.00 2026-01-01T10:00:00Z 2026-01-10T10:00:00Z auto"], "\(rows)")
    }
    /// The value a hold keeps from shipping is the order's open amount: of an order partly
    /// shipped and then raised past the limit, only what is left to ship.
    @Test func aHoldIsWorthWhatIsLeftToShip() throws {
        var fixture = try EventClockFixture()
        defer { fixture.remove() }
        let processor = fixture.processor
        fixture.add("order.created", "o", "2026-01-01T10:00:00Z", #"{"order_id":"O-P","customer_id":"C-1","amount":"1000.00","currency":"EUR"}"#)
        fixture.add("shipment.shipped", "s", "2026-01-02T10:00:00Z",
                    #"{"shipment_id":"S-P","order_id":"O-P","customer_id":"C-1","invoice_id":"I-P","amount":"800.00","currency":"EUR"}"#)
        fixture.add("order.amended", "a", "2026-01-03T10:00:00Z", #"{"order_id":"O-P","customer_id":"C-1","amount":"200000.00","currency":"EUR"}"#)
        let outcome = try processor.process(fixture.messages, wallNow: Timestamp(microsecondsSinceEpoch: 0))
        let held = try #require(outcome.outputs.first { $0.type == .orderHeld })
        #expect(held.data["amount"] == .string("200000.00") && held.data["open_amount"] == .string("199200.00"))
        let value = try processor.database.read { db in try String.fetchOne(db, sql: "SELECT value FROM holds WHERE order_id = 'O-P'") }
        #expect(value == "199200.00")
    }
}
