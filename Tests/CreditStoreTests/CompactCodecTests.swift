import CreditCore
import Foundation
import Testing
@testable import CreditStore

@Suite("Compact state format")
struct CompactCodecTests {
    static let policy: Policy = {
        var policy = Policy(version: "t", currency: Currency(code: "EUR")!)
        policy.fxRates = ["USD": DecimalAmount("0.92")]
        policy.customers.defaultLimit = DecimalAmount("10000.00")
        return policy
    }()

    static func event(_ type: String, _ id: String, _ time: String, _ data: String) -> InputEvent {
        let json = #"{"specversion":"1.0","id":"\#(id)","source":"t","type":"\#(type)","time":"\#(time)","data":\#(data)}"#
        guard case .success(let decoded) = EventDecoder(policy: policy).decode(Array(json.utf8)) else { fatalError(json) }
        return decoded.event
    }

    /// A customer with orders, invoices, payments (one reversed), a dispute, a late event and an
    /// operator block: every kind of stored item.
    static func richState() -> CustomerState {
        var state = CreditEngine.newCustomer(id: "C-1", policy: policy)
        let events = [
            event("order.created", "e1", "2026-11-01T10:00:00Z", #"{"order_id":"O-1","customer_id":"C-1","amount":"6000.00","currency":"EUR","customer_name":"Zoë & Co"}"#),
            event("order.created", "e2", "2026-11-01T11:00:00Z", #"{"order_id":"O-2","customer_id":"C-1","amount":"9000.00","currency":"USD"}"#),
            event("shipment.shipped", "e3", "2026-11-02T10:00:00Z", #"{"shipment_id":"S-1","order_id":"O-1","customer_id":"C-1","invoice_id":"I-1","amount":"2500.50","currency":"EUR"}"#),
            event("payment.received", "e4", "2026-11-05T10:00:00Z", #"{"payment_id":"P-1","customer_id":"C-1","amount":"1000.00","currency":"EUR","allocations":[{"invoice_id":"I-1","amount":"400.00"},{"invoice_id":"I-9","amount":"100.00"}]}"#),
            event("dispute.opened", "e5", "2026-11-06T10:00:00Z", #"{"invoice_id":"I-1","customer_id":"C-1"}"#),
            event("payment.reversed", "e6", "2026-11-07T10:00:00Z", #"{"payment_id":"P-1","customer_id":"C-1","reason":"NSF"}"#),
            event("shipment.shipped", "e7", "2026-11-03T09:00:00Z", #"{"shipment_id":"S-2","order_id":"O-1","customer_id":"C-1","invoice_id":"I-2","amount":"99999999999999999.99","currency":"EUR"}"#),
        ]
        for (index, event) in events.enumerated() {
            let context = DecisionContext(policy: policy, now: event.time, instance: "t", arrivalSequence: Int64(index + 1), journalCapacity: 4)
            _ = CreditEngine.apply(event, to: &state, context: context)
        }
        state.operatorBlock = OperatorBlock(reason: "audit, \"quoted\"", by: "ops", at: Timestamp(rfc3339: "2026-11-08T00:00:00Z")!)
        state.temporaryLimit = TemporaryLimit(amount: DecimalAmount("-0.01"), expiresOn: LocalDate(year: 2026, month: 12, day: 31)!, setBy: "ops")
        state.operatorBlockLiftedBy = "maria"
        return state
    }

    @Test func roundTripsEveryStoredItem() throws {
        let state = Self.richState()
        #expect(state.journal.entries.count == 4)  // the window rolled: base holds the rest
        let bytes = try CompactEncoder().encode(state)
        #expect(CompactDecoder.recognizes(bytes))
        let decoded = try CompactDecoder().decode(CustomerState.self, from: bytes)
        #expect(decoded == state)
        #expect(decoded.ledger.openInvoices == state.ledger.openInvoices)
        #expect(decoded.exposure() == state.exposure())
        // And again from the decoded value (dictionaries may iterate in another order).
        #expect(try CompactDecoder().decode(CustomerState.self, from: try CompactEncoder().encode(decoded)) == state)
    }

    @Test func readsStatesStoredAsJSONBefore() throws {
        let state = Self.richState()
        let json = [UInt8](try JSONEncoder().encode(state))
        #expect(!CompactDecoder.recognizes(json))
        #expect(try JSONDecoder().decode(CustomerState.self, from: Data(json)) == state)
    }

    struct Old: Codable { var id: String; var amount: DecimalAmount }
    struct New: Codable, Equatable {
        var id: String
        var amount: DecimalAmount
        var added: Int?
        var list: [String: [LocalDate]]?
    }

    @Test func aFieldAddedLaterDecodesAsAbsent() throws {
        let bytes = try CompactEncoder().encode(Old(id: "x", amount: DecimalAmount("12.340")))
        let new = try CompactDecoder().decode(New.self, from: bytes)
        #expect(new == New(id: "x", amount: DecimalAmount("12.340"), added: nil, list: nil))
        #expect(new.amount.scale == 3)  // the scale is kept exactly
        let full = New(id: "y", amount: .zero, added: -7, list: ["a": [LocalDate(year: 1969, month: 12, day: 31)!], "": []])
        #expect(try CompactDecoder().decode(New.self, from: try CompactEncoder().encode(full)) == full)
    }

    @Test func damagedBytesAreAnErrorNotACrash() throws {
        let bytes = try CompactEncoder().encode(Self.richState())
        for cut in stride(from: 2, to: bytes.count, by: max(1, bytes.count / 50)) {
            #expect(throws: (any Error).self) { try CompactDecoder().decode(CustomerState.self, from: Array(bytes[..<cut])) }
        }
        #expect(throws: (any Error).self) { try CompactDecoder().decode(CustomerState.self, from: [0xC5]) }
    }
}
