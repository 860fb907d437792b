import Foundation
import Testing
@testable import CreditCore

@Suite("Event decoding")
struct EventDecoderTests {
    let decoder = EventDecoder(policy: Fixtures.policy())

    static func envelope(type: String = "order.created", time: String = "\"2026-11-01T10:00:00+01:00\"", subject: String = "",
                         data: String) -> String {
        #"{"specversion":"1.0","id":"e-1","source":"oms-eu-1","type":"\#(type)","time":\#(time)\#(subject),"data":\#(data)}"#
    }

    static let order = #"{"order_id":"O-1","customer_id":"C-1","amount":"100.00","currency":"EUR"}"#

    func decode(_ text: String) -> Result<DecodedEvent, EventError> { decoder.decode(Array(text.utf8)) }

    @Test("every input type decodes to its typed payload", arguments: [
        ("order.created", #"{"order_id":"O-1","customer_id":"C-1","amount":"100.00","currency":"USD","payment_terms_days":45,"customer_name":"Acme"}"#,
         InputPayload.orderCreated(OrderCreated(orderId: "O-1", amount: ConvertedAmount(amount: DecimalAmount("92.00"), original: DecimalAmount("100.00"), originalCurrency: "USD"),
                                                paymentTermsDays: 45, customerName: "Acme"))),
        ("order.amended", #"{"order_id":"O-1","customer_id":"C-1","amount":"0","currency":"EUR"}"#,
         .orderAmended(OrderAmended(orderId: "O-1", amount: ConvertedAmount(DecimalAmount("0"), currency: "EUR")))),
        ("order.cancelled", #"{"order_id":"O-1","customer_id":"C-1"}"#, .orderCancelled(OrderCancelled(orderId: "O-1"))),
        ("shipment.shipped", #"{"shipment_id":"S-1","order_id":"O-1","customer_id":"C-1","invoice_id":"I-1","amount":"50.5","currency":"EUR","invoice_date":"2026-11-02","due_date":"2026-12-31"}"#,
         .shipmentShipped(ShipmentShipped(shipmentId: "S-1", orderId: "O-1", invoiceId: "I-1", amount: ConvertedAmount(DecimalAmount("50.5"), currency: "EUR"),
                                          invoiceDate: LocalDate("2026-11-02"), dueDate: LocalDate("2026-12-31")))),
        ("shipment.returned", #"{"shipment_id":"S-1","invoice_id":"I-1","customer_id":"C-1","amount":"10","currency":"GBP"}"#,
         .shipmentReturned(ShipmentReturned(shipmentId: "S-1", invoiceId: "I-1", amount: ConvertedAmount(amount: DecimalAmount("11.70"), original: DecimalAmount("10"), originalCurrency: "GBP")))),
        ("payment.received", #"{"payment_id":"P-1","customer_id":"C-1","amount":"100.00","currency":"EUR","allocations":[{"invoice_id":"I-1","amount":"60.00"}]}"#,
         .paymentReceived(PaymentReceived(paymentId: "P-1", amount: ConvertedAmount(DecimalAmount("100.00"), currency: "EUR"),
                                          allocations: [PaymentAllocation(invoiceId: "I-1", amount: ConvertedAmount(DecimalAmount("60.00"), currency: "EUR"))]))),
        ("payment.reversed", #"{"payment_id":"P-1","customer_id":"C-1","reason":"NSF"}"#, .paymentReversed(PaymentReversed(paymentId: "P-1", reason: "NSF"))),
        ("dispute.opened", #"{"invoice_id":"I-1","customer_id":"C-1","reason":"damaged"}"#, .disputeOpened(DisputeOpened(invoiceId: "I-1", reason: "damaged"))),
        ("dispute.resolved", #"{"invoice_id":"I-1","customer_id":"C-1"}"#, .disputeResolved(DisputeResolved(invoiceId: "I-1"))),
    ])
    func decodesEveryType(type: String, data: String, expected: InputPayload) throws {
        let decoded = try decode(Self.envelope(type: type, subject: #","subject":"C-1""#, data: data)).get()
        #expect(decoded.event.payload == expected)
        #expect(decoded.event.type.rawValue == type)
        #expect(decoded.event.customerId == "C-1")
        #expect(decoded.event.subject == "C-1")
        #expect(decoded.event.id == "e-1" && decoded.event.source == "oms-eu-1")
        #expect(decoded.event.time == Fixtures.time("2026-11-01T09:00:00Z"))
        #expect(decoded.event.timeText == "2026-11-01T10:00:00+01:00")
        #expect(decoded.canonicalHash.count == 64)
    }

    @Test func tooLarge() {
        let small = EventDecoder(policy: Fixtures.policy(), maxMessageBytes: 64)
        let result = small.decode(Array(Self.envelope(data: Self.order).utf8))
        #expect(result.failureCode == .tooLarge)
    }

    @Test("dead-letter codes, in the contract's order", arguments: [
        // invalid_json
        ("not json", DeadLetterCode.invalidJSON, "not valid JSON"),
        (#"[1,2]"#, .invalidJSON, "not a JSON object"),
        (#""text""#, .invalidJSON, "not a JSON object"),
        (envelope(data: order) + " trailing", .invalidJSON, "after the JSON value"),
        // invalid_envelope
        (envelope(data: order).replacingFirst(#""specversion":"1.0""#, with: #""specversion":"0.3""#), .invalidEnvelope, "specversion"),
        (envelope(data: order).replacingFirst(#""specversion":"1.0""#, with: #""specversion":1.0"#), .invalidEnvelope, "specversion must be a string"),
        (envelope(data: order).replacingFirst(#""id":"e-1","#, with: ""), .invalidEnvelope, "id is missing"),
        (envelope(data: order).replacingFirst(#""id":"e-1""#, with: #""id":17"#), .invalidEnvelope, "id must be a string"),
        (envelope(data: order).replacingFirst(#""source":"oms-eu-1","#, with: ""), .invalidEnvelope, "source is missing"),
        (envelope(data: order).replacingFirst(#""source":"oms-eu-1""#, with: #""source":"\u0001tick""#), .invalidEnvelope, "must not contain control characters"),
        (envelope(data: order).replacingFirst(#""type":"order.created","#, with: ""), .invalidEnvelope, "type is missing"),
        (envelope(time: "null", data: order), .invalidEnvelope, "time is missing"),
        (envelope(time: "\"2026-11-01T10:00:00\"", data: order), .invalidEnvelope, "not an RFC 3339"),
        (envelope(time: "\"2026-11-31T10:00:00Z\"", data: order), .invalidEnvelope, "not an RFC 3339"),
        (envelope(time: "\"yesterday\"", data: order), .invalidEnvelope, "not an RFC 3339"),
        // Valid RFC 3339, but the UTC instant falls in year -1 or 9900: no date could be written.
        (envelope(time: "\"0000-01-01T00:30:00+01:00\"", data: order), .invalidEnvelope, "outside the supported years 0001-9899"),
        (envelope(time: "\"9900-01-01T00:00:00Z\"", data: order), .invalidEnvelope, "outside the supported years"),
        (envelope(time: "\"\(String(repeating: "9", count: 5000))\"", data: order), .invalidEnvelope, "(cut, 5000 bytes in all)"),
        (envelope(data: "null"), .invalidEnvelope, "data is missing"),
        (envelope(data: #""x""#), .invalidEnvelope, "data must be an object"),
        // unknown_type
        (envelope(type: "order.deleted", data: order), .unknownType, "order.deleted"),
        // missing_field
        (envelope(data: #"{"order_id":"O-1","customer_id":"C-1","currency":"EUR"}"#), .missingField, "data.amount is missing"),
        (envelope(data: #"{"order_id":"O-1","customer_id":"C-1","amount":null,"currency":"EUR"}"#), .missingField, "data.amount is missing"),
        (envelope(type: "payment.reversed", data: #"{"payment_id":"P-1","customer_id":"C-1"}"#), .missingField, "data.reason is missing"),
        (envelope(type: "payment.received", data: #"{"payment_id":"P-1","customer_id":"C-1","amount":"5.00","currency":"EUR","allocations":[{"invoice_id":"I-1","amount":"1.00"},{"amount":"1.00"}]}"#),
         .missingField, "data.allocations[1].invoice_id is missing"),
        // invalid_field
        (envelope(data: #"{"order_id":"O-1","customer_id":"C-1","amount":"100.00","currency":978}"#), .invalidField, "data.currency must be a string"),
        (envelope(data: #"{"order_id":7,"customer_id":"C-1","amount":"100.00","currency":"EUR"}"#), .invalidField, "data.order_id must be a string"),
        (envelope(data: #"{"order_id":"","customer_id":"C-1","amount":"100.00","currency":"EUR"}"#), .invalidField, "data.order_id must not be empty"),
        (envelope(data: #"{"order_id":"O-1","customer_id":"C-1","amount":"100.00","currency":"EUR","payment_terms_days":"30"}"#), .invalidField, "payment_terms_days"),
        (envelope(data: #"{"order_id":"O-1","customer_id":"C-1","amount":"100.00","currency":"EUR","payment_terms_days":30.5}"#), .invalidField, "payment_terms_days"),
        (envelope(type: "shipment.shipped", data: #"{"shipment_id":"S","order_id":"O","customer_id":"C-1","invoice_id":"I","amount":"1","currency":"EUR","due_date":"28/12/2026"}"#),
         .invalidField, "data.due_date must be a date"),
        (envelope(type: "shipment.shipped", data: #"{"shipment_id":"S","order_id":"O","customer_id":"C-1","invoice_id":"I","amount":"1","currency":"EUR","invoice_date":"0000-12-31"}"#),
         .invalidField, "data.invoice_date 0000-12-31 is outside the supported years"),
        (envelope(type: "payment.received", data: #"{"payment_id":"P-1","customer_id":"C-1","amount":"5.00","currency":"EUR","allocations":{"invoice_id":"I-1"}}"#),
         .invalidField, "data.allocations must be a list"),
        (envelope(type: "payment.received", data: #"{"payment_id":"P-1","customer_id":"C-1","amount":"5.00","currency":"EUR","allocations":["I-1"]}"#),
         .invalidField, "data.allocations[0] must be an object"),
        (envelope(type: "payment.received", data: #"{"payment_id":"P-1","customer_id":"C-1","amount":"5.00","currency":"EUR","allocations":[{"invoice_id":3,"amount":"1"}]}"#),
         .invalidField, "data.allocations[0].invoice_id must be a string"),
        (envelope(subject: #","subject":"C-2""#, data: order), .invalidField, "subject \"C-2\" differs from data.customer_id"),
        (envelope(subject: #","subject":5"#, data: order), .invalidField, "subject must be a string"),
        // invalid_amount
        (envelope(data: #"{"order_id":"O-1","customer_id":"C-1","amount":100.00,"currency":"EUR"}"#), .invalidAmount, "data.amount must be a decimal string"),
        (envelope(data: #"{"order_id":"O-1","customer_id":"C-1","amount":"1e3","currency":"EUR"}"#), .invalidAmount, "exponent"),
        (envelope(data: #"{"order_id":"O-1","customer_id":"C-1","amount":"1000000000000000000","currency":"EUR"}"#), .invalidAmount, "more than 18 integer digits"),
        (envelope(data: #"{"order_id":"O-1","customer_id":"C-1","amount":"100.001","currency":"EUR"}"#), .invalidAmount, "more decimals than EUR's 2"),
        (envelope(data: #"{"order_id":"O-1","customer_id":"C-1","amount":"100.5","currency":"JPY"}"#), .invalidAmount, "more decimals than JPY's 0"),
        (envelope(data: #"{"order_id":"O-1","customer_id":"C-1","amount":"0","currency":"EUR"}"#), .invalidAmount, "must be greater than 0"),
        (envelope(data: #"{"order_id":"O-1","customer_id":"C-1","amount":"-5.00","currency":"EUR"}"#), .invalidAmount, "must be greater than 0"),
        (envelope(data: #"{"order_id":"O-1","customer_id":"C-1","amount":" 5","currency":"EUR"}"#), .invalidAmount, "not a decimal"),
        (envelope(type: "order.amended", data: #"{"order_id":"O-1","customer_id":"C-1","amount":"-1","currency":"EUR"}"#), .invalidAmount, "\"-1\" must be 0 or more"),
        (envelope(type: "payment.received", data: #"{"payment_id":"P-1","customer_id":"C-1","amount":"5.00","currency":"EUR","allocations":[{"invoice_id":"I-1","amount":1}]}"#),
         .invalidAmount, "data.allocations[0].amount must be a decimal string"),
        (envelope(type: "payment.received", data: #"{"payment_id":"P-1","customer_id":"C-1","amount":"5.00","currency":"EUR","allocations":[{"invoice_id":"I-1","amount":"3"},{"invoice_id":"I-2","amount":"2.01"}]}"#),
         .invalidAmount, "add up to 5.01, more than data.amount 5.00"),
        // 18 integer digits in GBP are 19 in EUR at 1.17; in USD at 0.92 they stay 18.
        (envelope(data: #"{"order_id":"O-1","customer_id":"C-1","amount":"999999999999999999.99","currency":"GBP"}"#),
         .invalidAmount, "data.amount is more than 18 integer digits once converted to EUR"),
        (envelope(data: #"{"order_id":"O-1","customer_id":"C-1","amount":"1.00","currency":"EUR","payment_terms_days":"14"}"#), .invalidField,
         "data.payment_terms_days must be a JSON number of days from 0 to 3650, not a string"),
        (envelope(data: #"{"order_id":"O-1","customer_id":"C-1","amount":"1.00","currency":"EUR","payment_terms_days":14.0}"#), .invalidField,
         "data.payment_terms_days must be a whole number of days from 0 to 3650 written without a fraction or exponent, not \"14.0\""),
        // ids are printable text
        (envelope(data: #"{"order_id":"O-1","customer_id":"CC\n1","amount":"100.00","currency":"EUR"}"#), .invalidField,
         "data.customer_id contains a control character (U+000A); ids are printable text"),
        (envelope(data: #"{"order_id":"O\u0007","customer_id":"C-1","amount":"100.00","currency":"EUR"}"#), .invalidField,
         "data.order_id contains a control character (U+0007)"),
        // unknown_currency
        (envelope(data: #"{"order_id":"O-1","customer_id":"C-1","amount":"100.00","currency":"XXX"}"#), .unknownCurrency, "XXX is an ISO 4217 code without a minor unit"),
        (envelope(data: #"{"order_id":"O-1","customer_id":"C-1","amount":"100.00","currency":"ABC"}"#), .unknownCurrency, "\"ABC\" is not an ISO 4217"),
        (envelope(data: #"{"order_id":"O-1","customer_id":"C-1","amount":"100.00","currency":"eur"}"#), .unknownCurrency, "not an ISO 4217"),
        (envelope(data: #"{"order_id":"O-1","customer_id":"C-1","amount":"100.00","currency":"CHF"}"#), .unknownCurrency, "no rate"),
        // precedence between stages
        (envelope(data: #"{"order_id":"O-1","customer_id":"C-1","amount":100.5,"currency":978}"#), .invalidField, "data.currency"),
        (envelope(data: #"{"customer_id":"C-1","amount":"1e3","currency":"EUR"}"#), .missingField, "data.order_id"),
        (envelope(data: #"{"order_id":"O-1","customer_id":"C-1","amount":"1e3","currency":"XXX"}"#), .invalidAmount, "exponent"),
        (envelope(subject: #","subject":"C-2""#, data: #"{"order_id":"O-1","customer_id":"C-1","amount":"1e3","currency":"EUR"}"#), .invalidField, "subject"),
        (envelope(type: "nope", data: #"{}"#), .unknownType, "nope"),
        (envelope(type: "nope", time: "\"bad\"", data: #"{}"#), .invalidEnvelope, "time"),
    ])
    func deadLetters(text: String, code: DeadLetterCode, detail: String) {
        let result = decode(text)
        #expect(result.failureCode == code, "\(result)")
        if case .failure(let error) = result {
            #expect(error.detail.contains(detail), "\(error.detail)")
        }
    }

    @Test func invalidUTF8IsInvalidJSON() {
        var bytes = Array(Self.envelope(data: Self.order).utf8)
        let index = bytes.firstIndex(of: UInt8(ascii: "O"))!
        bytes[index] = 0xC3
        #expect(decoder.decode(bytes).failureCode == .invalidJSON)
    }

    @Test func canonicalHashIgnoresKeyOrderAndSpacing() throws {
        let a = try decode(Self.envelope(data: Self.order)).get()
        let reordered = #"""
        { "data" : { "currency":"EUR", "amount":"100.00", "customer_id":"C-1", "order_id":"O-1" },
          "time":"2026-11-01T10:00:00+01:00", "type":"order.created", "source":"oms-eu-1", "id":"e-1", "specversion":"1.0" }
        """#
        let b = try decode(reordered).get()
        #expect(a.canonicalHash == b.canonicalHash)
        let changed = try decode(Self.envelope(data: Self.order.replacingFirst("100.00", with: "100.01"))).get()
        #expect(a.canonicalHash != changed.canonicalHash)
        // Same amount written differently is a different JSON value: a conflicting duplicate.
        let respelled = try decode(Self.envelope(data: Self.order.replacingFirst("100.00", with: "100.0"))).get()
        #expect(a.canonicalHash != respelled.canonicalHash)
    }

    /// "é" as one scalar (NFC) and as "e" + a combining acute (NFD): equal as Swift strings,
    /// different as bytes in SQLite and Kafka keys. Ids in another form than NFC are refused;
    /// free text (a reason) and NFC ids, ASCII or not, are taken as sent.
    @Test func idsMustBeInNormalFormC() throws {
        let nfc = "Caf\u{E9}", nfd = "Cafe\u{301}"
        #expect(nfc == nfd && Array(nfc.utf8) != Array(nfd.utf8))
        func order(customer: String, id: String = "e-1", source: String = "oms-eu-1") -> String {
            Self.envelope(data: #"{"order_id":"O-1","customer_id":"\#(customer)","amount":"1.00","currency":"EUR"}"#)
                .replacingFirst(#""id":"e-1""#, with: #""id":"\#(id)""#)
                .replacingFirst(#""source":"oms-eu-1""#, with: #""source":"\#(source)""#)
        }
        let accepted = try decode(order(customer: nfc, id: "e-\(nfc)", source: "oms-\(nfc)")).get().event
        #expect(Array(accepted.customerId.utf8) == Array(nfc.utf8))
        #expect(Array(accepted.id.utf8) == Array("e-\(nfc)".utf8))
        for (text, code, detail) in [
            (order(customer: nfd), DeadLetterCode.invalidField, "data.customer_id"),
            (order(customer: nfc, id: "e-\(nfd)"), .invalidEnvelope, "id"),
            (order(customer: nfc, source: "oms-\(nfd)"), .invalidEnvelope, "source"),
            (Self.envelope(type: "payment.received",
                           data: #"{"payment_id":"P-1","customer_id":"C-1","amount":"1.00","currency":"EUR","allocations":[{"invoice_id":"\#(nfd)","amount":"1.00"}]}"#),
             .invalidField, "data.allocations[0].invoice_id"),
        ] {
            let result = decode(text)
            #expect(result.failureCode == code, "\(result)")
            if case .failure(let error) = result {
                #expect(error.detail.hasPrefix(detail) && error.detail.contains("normal form C"), "\(error.detail)")
            }
        }
        // A reversal's reason is text, not an id.
        let reversal = Self.envelope(type: "payment.reversed", data: #"{"payment_id":"P-1","customer_id":"C-1","reason":"\#(nfd)"}"#)
        #expect(try decode(reversal).get().event.type == .paymentReversed)
    }

    /// The 18-digit bound applies to the converted amount: a rate below 1 keeps the largest
    /// amount the contract takes within it.
    @Test func theLargestAmountConvertsWithinTheBound() throws {
        let text = Self.envelope(data: #"{"order_id":"O-1","customer_id":"C-1","amount":"999999999999999999.99","currency":"USD"}"#)
        let event = try decode(text).get().event
        guard case .orderCreated(let order) = event.payload else { Issue.record("\(event.payload)"); return }
        #expect(order.amount.amount == DecimalAmount("919999999999999999.99"))
    }

    @Test func everyCodeIsTheContractsString() {
        #expect(DeadLetterCode.allCases.map(\.rawValue) == [
            "too_large", "invalid_json", "invalid_envelope", "unknown_type", "missing_field", "invalid_field",
            "invalid_amount", "unknown_currency", "conflicting_duplicate",
        ])
    }

    @Test func extraFieldsAreTolerated() throws {
        let text = Self.envelope(data: #"{"order_id":"O-1","customer_id":"C-1","amount":"1","currency":"EUR","channel":"web"}"#)
            .replacingFirst(#""specversion":"1.0""#, with: #""specversion":"1.0","traceparent":"00-abc""#)
        #expect(try decode(text).get().event.type == .orderCreated)
    }
}

extension Result where Failure == EventError {
    var failureCode: DeadLetterCode? {
        if case .failure(let error) = self { return error.code }
        return nil
    }
}

extension String {
    func replacingFirst(_ target: String, with replacement: String) -> String {
        guard let range = range(of: target) else { return self }
        return replacingCharacters(in: range, with: replacement)
    }
}
