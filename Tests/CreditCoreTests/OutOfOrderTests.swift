import Testing
@testable import CreditCore
import CreditTestSupport

/// The receivables ledger must not depend on arrival order: it is the fold of the customer's
/// events in business-time order.
@Suite("Out-of-order arrival")
struct OutOfOrderTests {
    static let customer = "C-1"

    static func data(_ fields: String) -> String { #"{"customer_id":"C-1",\#(fields)}"# }

    /// Six events across the three topics, with distinct business times.
    static let six: [String] = [
        Fixtures.event("order.created", id: "e1", time: "2026-11-01T10:00:00Z", data: data(#""order_id":"O-1","amount":"1000.00","currency":"EUR","payment_terms_days":20"#)),
        Fixtures.event("shipment.shipped", id: "e2", time: "2026-11-02T10:00:00Z", data: data(#""shipment_id":"S-1","order_id":"O-1","invoice_id":"I-1","amount":"600.00","currency":"EUR""#)),
        Fixtures.event("shipment.shipped", id: "e3", time: "2026-11-03T10:00:00Z", data: data(#""shipment_id":"S-2","order_id":"O-1","invoice_id":"I-2","amount":"500.00","currency":"EUR","due_date":"2026-11-10""#)),
        Fixtures.event("payment.received", id: "e4", time: "2026-11-04T10:00:00Z", data: data(#""payment_id":"P-1","amount":"700.00","currency":"EUR""#)),
        Fixtures.event("shipment.returned", id: "e5", time: "2026-11-05T10:00:00Z", data: data(#""shipment_id":"S-1","invoice_id":"I-1","amount":"250.00","currency":"EUR""#)),
        Fixtures.event("dispute.opened", id: "e6", time: "2026-11-06T10:00:00Z", data: data(#""invoice_id":"I-1""#)),
    ]

    /// A longer history with amendments, a cancellation, allocations, a reversal and a dispute cycle.
    static let twelve: [String] = six + [
        Fixtures.event("order.created", id: "e7", time: "2026-11-07T10:00:00Z", data: data(#""order_id":"O-2","amount":"300.00","currency":"USD""#)),
        Fixtures.event("order.amended", id: "e8", time: "2026-11-08T10:00:00Z", data: data(#""order_id":"O-2","amount":"800.00","currency":"EUR""#)),
        Fixtures.event("payment.received", id: "e9", time: "2026-11-09T10:00:00Z", data: data(#""payment_id":"P-2","amount":"900.00","currency":"EUR","allocations":[{"invoice_id":"I-3","amount":"200.00"}]"#)),
        Fixtures.event("shipment.shipped", id: "e10", time: "2026-11-10T10:00:00Z", data: data(#""shipment_id":"S-3","order_id":"O-2","invoice_id":"I-3","amount":"500.00","currency":"EUR""#)),
        Fixtures.event("payment.reversed", id: "e11", time: "2026-11-11T10:00:00Z", data: data(#""payment_id":"P-1","reason":"NSF""#)),
        Fixtures.event("dispute.resolved", id: "e12", time: "2026-11-12T10:00:00Z", data: data(#""invoice_id":"I-1""#)),
        Fixtures.event("order.cancelled", id: "e13", time: "2026-11-13T10:00:00Z", data: data(#""order_id":"O-1""#)),
        Fixtures.event("order.amended", id: "e14", time: "2026-11-07T12:00:00Z", data: data(#""order_id":"O-2","amount":"100.00","currency":"EUR""#)),
    ]

    static func run(_ events: [String], capacity: Int = LedgerJournal.defaultCapacity) -> Harness {
        var policy = Fixtures.policy()
        policy.customers.defaultLimit = DecimalAmount("1000000.00")
        var h = Harness(customerId: customer, policy: policy)
        h.journalCapacity = capacity
        for event in events { h.send(event) }
        return h
    }

    static func permutations<T>(_ items: [T]) -> [[T]] {
        guard items.count > 1 else { return [items] }
        var result: [[T]] = []
        for index in items.indices {
            var rest = items
            let head = rest.remove(at: index)
            for tail in permutations(rest) { result.append([head] + tail) }
        }
        return result
    }

    @Test func inOrderLedgerIsAsExpected() {
        let h = Self.run(Self.six)
        // P-1 700: I-2 (due 11-10) first 500, then I-1 (due 11-22 via order terms 20) 200. Return 250 on I-1.
        #expect(h.open("I-2") == .zero)
        #expect(h.open("I-1") == DecimalAmount("150.00"))
        #expect(h.state.ledger.invoices["I-1"]?.dueDate == LocalDate("2026-11-22"))
        #expect(h.state.ledger.invoices["I-1"]?.disputed == true)
        #expect(h.exposure.openOrders == .zero)
    }

    @Test func allPermutationsOfSixEventsGiveTheSameLedgerAndExport() {
        let reference = Self.run(Self.six)
        let referenceExport = reference.exportText(asOf: "2026-11-30")
        var checked = 0
        for permutation in Self.permutations(Self.six) {
            let h = Self.run(permutation)
            #expect(h.state.ledger == reference.state.ledger)
            #expect(h.exportText(asOf: "2026-11-30") == referenceExport)
            // Tenure counts from the earliest activity, not from the first to arrive.
            #expect(h.state.firstSeen == reference.state.firstSeen)
            checked += 1
        }
        #expect(checked == 720)
    }

    @Test func seededShufflesOfALongerHistoryGiveTheSameLedger() {
        let reference = Self.run(Self.twelve)
        let referenceExport = reference.exportText(asOf: "2026-11-30")
        #expect(reference.exposure == Exposure(openOrders: DecimalAmount("300.00"), openReceivables: DecimalAmount("1150.00"), unappliedCash: DecimalAmount("700.00")))
        var generator = SplitMix64(seed: 20261128)
        for _ in 0..<300 {
            let shuffled = Self.twelve.shuffled(using: &generator)
            let h = Self.run(shuffled)
            #expect(h.state.ledger == reference.state.ledger)
            #expect(h.exportText(asOf: "2026-11-30") == referenceExport)
            // The open sets kept incrementally equal the ones derived from the items.
            var rebuilt = h.state.ledger
            rebuilt.rebuildOpenSets()
            #expect(rebuilt.openOrderIds == h.state.ledger.openOrderIds)
            #expect(rebuilt.openInvoices == h.state.ledger.openInvoices)
        }
    }

    @Test func theWindowSlidesWithoutChangingAnInOrderResult() {
        let wide = Self.run(Self.twelve)
        let narrow = Self.run(Self.twelve, capacity: 3)
        #expect(narrow.state.ledger == wide.state.ledger)
        #expect(narrow.state.journal.entries.count == 3)
    }

    @Test func lateEventsWithinTheWindowAreExact() {
        var shuffled = Self.twelve
        shuffled.swapAt(10, 11)  // e11 after e12, both in the last 3
        shuffled.swapAt(12, 13)
        let narrow = Self.run(shuffled, capacity: 4)
        #expect(narrow.state.ledger == Self.run(Self.twelve).state.ledger)
    }

    /// 50 orders, each shipped the same day and part paid the same evening: 150 events, long
    /// enough for re-folds to start from checkpoints (every 32 entries) rather than from the base.
    static let long: [String] = (0..<50).flatMap { k -> [String] in
        let day = "2026-0\(1 + k / 25)-\(k % 25 < 9 ? "0" : "")\(1 + k % 25)"
        return [
            Fixtures.event("order.created", id: "o\(k)", time: "\(day)T10:00:00Z", data: data(#""order_id":"O-\#(k)","amount":"100.00","currency":"EUR""#)),
            Fixtures.event("shipment.shipped", id: "s\(k)", time: "\(day)T12:00:00Z", data: data(#""shipment_id":"S-\#(k)","order_id":"O-\#(k)","invoice_id":"I-\#(k)","amount":"100.00","currency":"EUR""#)),
            Fixtures.event("payment.received", id: "p\(k)", time: "\(day)T18:00:00Z", data: data(#""payment_id":"P-\#(k)","amount":"\#(30 + k).00","currency":"EUR""#)),
        ]
    }

    /// The three topics of `long` as a consumer sees partitions: a run of `chunk` events of one
    /// topic, then of the next, each topic in its own order.
    static func byTopic(chunk: Int) -> [String] {
        let topics = (0..<3).map { topic in stride(from: topic, to: long.count, by: 3).map { long[$0] } }
        var arrival: [String] = []
        for start in stride(from: 0, to: topics[0].count, by: chunk) {
            for topic in topics { arrival += topic[start..<min(start + chunk, topic.count)] }
        }
        return arrival
    }

    @Test(arguments: [
        (chunk: 50, capacity: LedgerJournal.defaultCapacity),  // all orders, then all shipments, then all payments
        (chunk: 7, capacity: LedgerJournal.defaultCapacity),
        (chunk: 7, capacity: 64),  // the window slides while checkpoints are held
    ])
    func aBacklogArrivingATopicAtATimeGivesTheInOrderLedger(chunk: Int, capacity: Int) {
        let reference = Self.run(Self.long)
        let h = Self.run(Self.byTopic(chunk: chunk), capacity: capacity)
        #expect(h.state.ledger == reference.state.ledger)
        #expect(h.exportText(asOf: "2026-03-31") == reference.exportText(asOf: "2026-03-31"))
        #expect(h.exposure == reference.exposure)
    }

    @Test func reversedArrivalGivesTheInOrderLedger() {
        #expect(Self.run(Self.long.reversed()).state.ledger == Self.run(Self.long).state.ledger)
    }

    @Test func anEventOlderThanTheWindowIsStillApplied() {
        var events = Self.six
        let payment = events.remove(at: 3)
        let h = Self.run(events + [payment], capacity: 1)
        // Folded just after the base: the 700.00 is still counted, exposure still balances.
        #expect(h.exposure.total == Self.run(Self.six).exposure.total)
    }

    @Test func decisionsFollowArrivalAndAreNeverTakenBack() {
        var h = Harness()
        h.order("O-1", "9000.00", at: "2026-11-05T10:00:00Z")
        // A late payment for an earlier period does not undo O-1's approval; a late big invoice neither.
        h.ship("O-0", invoice: "I-0", "5000.00", at: "2026-11-01T10:00:00Z")
        #expect(h.status("O-1") == .approved)
        #expect(h.exposure.total == DecimalAmount("14000.00"))
    }

    @Test func stateRoundTripsThroughCodable() throws {
        let h = Self.run(Self.twelve, capacity: 5)
        let text = try JSONEncoderShim.encode(h.state)
        let decoded = try JSONEncoderShim.decode(CustomerState.self, from: text)
        #expect(decoded == h.state)
    }
}

@Suite("Stored state")
struct StoredStateTests {
    @Test func aStateWithOnlyItsIdLoadsWithDefaults() throws {
        let state = try JSONEncoderShim.decode(CustomerState.self, from: #"{"customerId":"C-9"}"#)
        #expect(state == CustomerState(customerId: "C-9"))
    }
}
