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

    /// A further shipment on an invoice already issued (and paid) is a credit sale of its own
    /// date: the report as of a date before it shows the invoice as it was, paid.
    @Test func aFurtherShipmentOnAnIssuedInvoiceDoesNotRewriteThePast() throws {
        var fixture = try EventClockFixture()
        defer { fixture.remove() }
        let processor = fixture.processor
        func add(_ type: String, _ id: String, _ time: String, _ data: String) { fixture.add(type, id, time, data) }
        add("order.created", "o", "2026-01-02T10:00:00Z", #"{"order_id":"O-1","customer_id":"C-1","amount":"2000.00","currency":"EUR"}"#)
        add("shipment.shipped", "s1", "2026-01-10T10:00:00Z",
            #"{"shipment_id":"S-1","order_id":"O-1","customer_id":"C-1","invoice_id":"I-1","amount":"1000.00","currency":"EUR","due_date":"2026-02-09"}"#)
        add("payment.received", "p", "2026-02-01T10:00:00Z",
            #"{"payment_id":"P-1","customer_id":"C-1","amount":"1000.00","currency":"EUR","allocations":[{"invoice_id":"I-1","amount":"1000.00"}]}"#)
        add("shipment.shipped", "s2", "2026-03-05T10:00:00Z",
            #"{"shipment_id":"S-2","order_id":"O-1","customer_id":"C-1","invoice_id":"I-1","amount":"500.00","currency":"EUR","due_date":"2026-02-09"}"#)
        for message in fixture.messages { _ = try processor.process([message], wallNow: Timestamp(microsecondsSinceEpoch: 0)) }

        let book = try processor.database.read { db in
            try CollectionHistory.book(db, currency: Currency(code: "EUR")!, dunningLevels: [1, 2])
        }
        let february = CollectionAnalytics.report(book, asOf: LocalDate("2026-02-15")!, periodDays: 30)
        #expect(february.aging.total == .zero, "as of 02-15 nothing was open")
        #expect(february.paidInvoices.count == 1 && february.paidInvoices.paidAmount == DecimalAmount("1000.00"), "paid on 02-01, for 1,000.00")
        let march = CollectionAnalytics.report(book, asOf: LocalDate("2026-03-31")!, periodDays: 30)
        #expect(march.aging.days31to60 == DecimalAmount("500.00"), "the added 500.00, due with the invoice on 02-09")
        #expect(ReceivablesTimeline(book.invoices).creditSales(after: LocalDate("2026-03-01")!, through: LocalDate("2026-03-31")!)
                == DecimalAmount("500.00"), "a credit sale of March")
        #expect(march.dso == 30, "500.00 owed against 500.00 sold in 30 days")
        #expect(march.paidInvoices.count == 0, "open again since the shipment")
    }

    /// Credit notes settle without the customer paying: an invoice returned wholly is not a paid
    /// invoice, and one paid in part and returned for the rest counts for what was paid.
    @Test func creditNotesAreNotPayments() throws {
        var fixture = try EventClockFixture()
        defer { fixture.remove() }
        let processor = fixture.processor
        func add(_ type: String, _ id: String, _ time: String, _ data: String) { fixture.add(type, id, time, data) }
        add("order.created", "o", "2026-01-02T10:00:00Z", #"{"order_id":"O-1","customer_id":"C-1","amount":"3000.00","currency":"EUR"}"#)
        add("shipment.shipped", "s1", "2026-01-10T10:00:00Z",
            #"{"shipment_id":"S-1","order_id":"O-1","customer_id":"C-1","invoice_id":"I-1","amount":"1000.00","currency":"EUR","due_date":"2026-02-09"}"#)
        add("shipment.shipped", "s2", "2026-01-10T11:00:00Z",
            #"{"shipment_id":"S-2","order_id":"O-1","customer_id":"C-1","invoice_id":"I-2","amount":"1000.00","currency":"EUR","due_date":"2026-02-09"}"#)
        // I-1 returned wholly, late; I-2 paid 600.00 on time and returned for the rest, late.
        add("payment.received", "p", "2026-02-01T10:00:00Z",
            #"{"payment_id":"P-1","customer_id":"C-1","amount":"600.00","currency":"EUR","allocations":[{"invoice_id":"I-2","amount":"600.00"}]}"#)
        add("shipment.returned", "r1", "2026-03-01T10:00:00Z",
            #"{"shipment_id":"S-1","customer_id":"C-1","invoice_id":"I-1","amount":"1000.00","currency":"EUR"}"#)
        add("shipment.returned", "r2", "2026-03-01T11:00:00Z",
            #"{"shipment_id":"S-2","customer_id":"C-1","invoice_id":"I-2","amount":"400.00","currency":"EUR"}"#)
        for message in fixture.messages { _ = try processor.process([message], wallNow: Timestamp(microsecondsSinceEpoch: 0)) }

        let movements = try processor.database.read { db in
            try Row.fetchAll(db, sql: "SELECT invoice_id, date, delta, credit FROM receivable_movements WHERE customer_id = 'C-1' ORDER BY rowid")
                .map { "\($0[0] as String)@\($0[1] as String):\($0[2] as String)\(($0[3] as Bool) ? " credit" : "")" }
        }
        #expect(movements == ["I-2@2026-02-01:-600.00", "I-1@2026-03-01:-1000.00 credit", "I-2@2026-03-01:-400.00 credit"], "\(movements)")
        let book = try processor.database.read { db in
            try CollectionHistory.book(db, currency: Currency(code: "EUR")!, dunningLevels: [1, 2])
        }
        let march = CollectionAnalytics.report(book, asOf: LocalDate("2026-03-31")!, periodDays: 90)
        #expect(march.aging.total == .zero)
        #expect(march.paidInvoices.count == 1, "I-1 was returned, not paid")
        #expect(march.paidInvoices.paidAmount == DecimalAmount("600.00"), "I-2 counts for what was paid of it")
        #expect(march.paidInvoices.lateCount == 1, "settled on 03-01, after its due date")
    }
}
