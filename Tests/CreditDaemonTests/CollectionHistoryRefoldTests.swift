import CreditCore
import CreditStore
import Foundation
import GRDB
import Testing
@testable import CreditDaemon

/// The collection history follows the ledger when a late event folds it again: a shipment dated
/// before a payment that had settled a later invoice moves the payment to the earlier one, and
/// the later invoice's row opens again, though no event named it.
@Suite("Collection history after a late event")
struct CollectionHistoryRefoldTests {
    @Test func aLateShipmentMovesThePaymentAndTheRowsFollow() throws {
        var fixture = try EventClockFixture()
        defer { fixture.remove() }
        let processor = fixture.processor
        func add(_ type: String, _ id: String, _ time: String, _ data: String) { fixture.add(type, id, time, data) }
        add("order.created", "o", "2026-01-02T10:00:00Z", #"{"order_id":"O-1","customer_id":"C-1","amount":"200.00","currency":"EUR"}"#)
        add("shipment.shipped", "s1", "2026-01-10T10:00:00Z",
            #"{"shipment_id":"S-1","order_id":"O-1","customer_id":"C-1","invoice_id":"I-1","amount":"100.00","currency":"EUR","due_date":"2026-02-09"}"#)
        add("payment.received", "p", "2026-03-01T10:00:00Z", #"{"payment_id":"P-1","customer_id":"C-1","amount":"100.00","currency":"EUR"}"#)
        // Late: dated before the payment, due before I-1, so the payment belongs to it.
        add("shipment.shipped", "s0", "2026-01-05T10:00:00Z",
            #"{"shipment_id":"S-0","order_id":"O-1","customer_id":"C-1","invoice_id":"I-0","amount":"100.00","currency":"EUR","due_date":"2026-02-04"}"#)
        for message in fixture.messages { _ = try processor.process([message], wallNow: Timestamp(microsecondsSinceEpoch: 0)) }

        let state = try #require(try processor.database.read { db in try StateCodec.load(db, id: "C-1") })
        #expect(state.ledger.invoices["I-0"]?.openAmount == .zero)
        #expect(state.ledger.invoices["I-1"]?.openAmount == DecimalAmount("100.00"))
        let (rows, movements) = try processor.database.read { db in
            (try Row.fetchAll(db, sql: "SELECT invoice_id, open_amount FROM receivables WHERE customer_id = 'C-1' ORDER BY invoice_id")
                .map { "\($0[0] as String)=\($0[1] as String)" },
             try Row.fetchAll(db, sql: "SELECT invoice_id, date, delta FROM receivable_movements WHERE customer_id = 'C-1' ORDER BY rowid")
                .map { "\($0[0] as String)@\($0[1] as String):\($0[2] as String)" })
        }
        #expect(rows == ["I-0=0.00", "I-1=100.00"], "the history's open amounts are the ledger's")
        // I-1 settled on the payment's day and opened again on the same business day (the latest
        // event's, when the late shipment made it known): as of any date, it is open.
        #expect(movements.filter { $0.hasPrefix("I-1@") } == ["I-1@2026-03-01:-100.00", "I-1@2026-03-01:100.00"], "\(movements)")
    }
}
