import CreditCore
import CreditTestSupport
import Testing
@testable import CreditStore

/// `CollectionHistory.refoldReach`, asked before and after a late entry, must name every invoice
/// the entry's re-fold changed besides its own: the collection history writes those rows only.
/// Random histories over few ids (so that payments pay each other's invoices), recorded in
/// shuffled order, are compared with a full copy of the ledger diffed item by item.
@Suite("Collection history: the reach of a re-fold")
struct RefoldReachTests {
    static func payload(_ random: inout SplitMix64) -> InputPayload {
        let orders = ["O1", "O2", "O3"]
        let invoices = ["I1", "I2", "I3", "I4", "I5", "I6"]
        let payments = ["P1", "P2", "P3"]
        switch random.next() % 100 {
        case 0..<20: return .orderCreated(OrderCreated(orderId: random.pick(orders), amount: random.amount(), paymentTermsDays: nil))
        case 20..<50:
            return .shipmentShipped(ShipmentShipped(shipmentId: "S\(random.next() % 1000)", orderId: random.pick(orders),
                                                    invoiceId: random.pick(invoices), amount: random.amount(), invoiceDate: nil,
                                                    dueDate: Timestamp(rfc3339: "2026-03-01T00:00:00Z")!.utcDate.adding(days: Int(random.next() % 40))))
        case 50..<56: return .shipmentReturned(ShipmentReturned(shipmentId: "R\(random.next() % 1000)", invoiceId: random.pick(invoices), amount: random.amount()))
        case 56..<84:
            // Mostly unallocated: the oldest-due-first pass is what moves between folds.
            var allocations: [PaymentAllocation] = []
            if random.next() % 4 == 0 { allocations.append(PaymentAllocation(invoiceId: random.pick(invoices), amount: random.amount())) }
            return .paymentReceived(PaymentReceived(paymentId: random.pick(payments), amount: random.amount(), allocations: allocations))
        case 84..<90: return .paymentReversed(PaymentReversed(paymentId: random.pick(payments), reason: "NSF"))
        case 90..<95: return .disputeOpened(DisputeOpened(invoiceId: random.pick(invoices)))
        default: return .disputeResolved(DisputeResolved(invoiceId: random.pick(invoices)))
        }
    }

    @Test(arguments: [0, LedgerJournal.rewindThreshold])
    func theReachNamesEveryInvoiceAReFoldMoved(rewindingFrom threshold: Int) {
        var random = SplitMix64(seed: UInt64(threshold) &+ 17)
        let start = Timestamp(rfc3339: "2026-03-01T00:00:00Z")!
        var lateEntries = 0
        var moved = 0
        for _ in 0..<200 {
            let payloads = (0..<30).map { _ in Self.payload(&random) }
            var arrival = Array(payloads.indices)
            for index in arrival.indices.reversed() where index > 0 {
                arrival.swapAt(index, Int(random.next() % UInt64(index + 1)))
            }
            var journal = LedgerJournal()
            for (sequence, index) in arrival.enumerated() {
                let time = Timestamp(microsecondsSinceEpoch: start.microsecondsSinceEpoch + Int64(index) * 3_600_000_000)
                let entry = LedgerEntry(sequence: Int64(sequence + 1), time: time, eventId: "e\(index)", customerTermsDays: 30,
                                        payload: payloads[index])
                let late = journal.entries.last.map { entry.key < $0.key } ?? false
                let before = journal.current
                let reach = CollectionHistory.refoldReach(after: time, journal: journal)
                journal.record(entry, rewindingFrom: threshold)
                guard late else { continue }
                lateEntries += 1
                let after = journal.current
                let touched = CollectionHistory.touchedInvoices(entry.payload, ledger: after)
                let named = reach.union(CollectionHistory.refoldReach(after: time, journal: journal)).union(touched)
                // The history has rows for issued invoices only (an invoice known from a payment
                // waiting on it is not a receivable yet).
                for (id, invoice) in after.invoices where invoice.issued && before.invoices[id] != invoice {
                    if !touched.contains(id) { moved += 1 }
                    #expect(named.contains(id), "invoice \(id) changed outside the reach of entry e\(index) (\(entry.payload))")
                    // Without a re-fold (the entry commuted) nothing but what it names can move:
                    // the daemon does not ask the reach then.
                    #expect(journal.lastRecordRefolded || touched.contains(id), "entry e\(index) commuted but moved \(id)")
                }
            }
        }
        // The histories must exercise the case: late entries that moved invoices they did not name.
        #expect(lateEntries > 1_000)
        #expect(moved > 50, "only \(moved) invoices moved by re-folds")
    }
}

/// Picks for the histories above.
private extension SplitMix64 {
    mutating func pick(_ options: [String]) -> String { options[Int(next() % UInt64(options.count))] }
    mutating func amount() -> ConvertedAmount {
        ConvertedAmount(DecimalAmount(mantissa: Int128(1 + next() % 40) * 500, scale: 2), currency: "EUR")
    }
}
