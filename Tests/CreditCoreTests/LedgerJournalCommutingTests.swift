import Testing
@testable import CreditCore
import CreditTestSupport

/// A late entry folded straight into `current` (because it commutes with the entries after it)
/// must leave the journal exactly as a full re-fold from `base` would: every random history
/// below is recorded twice, with and without the shortcut, and compared after every entry.
@Suite("Ledger journal: late entries that commute")
struct LedgerJournalCommutingTests {
    /// Random histories over few ids, so that entries collide on orders, invoices and payments.
    struct HistoryGenerator {
        var random: SplitMix64
        let start = Timestamp(rfc3339: "2026-03-01T00:00:00Z")!

        mutating func pick(_ options: [String]) -> String { options[Int(random.next() % UInt64(options.count))] }
        mutating func chance(_ percent: UInt64) -> Bool { random.next() % 100 < percent }
        mutating func amount() -> ConvertedAmount {
            ConvertedAmount(DecimalAmount(mantissa: Int128(1 + random.next() % 60) * 250, scale: 2), currency: "EUR")
        }

        mutating func payload() -> InputPayload {
            let orders = ["O1", "O2", "O3", "O4", "O5", "O6"]
            let invoices = ["I1", "I2", "I3", "I4", "I5", "I6", "I7"]
            let payments = ["P1", "P2", "P3", "P4"]
            switch random.next() % 100 {
            case 0..<22:
                return .orderCreated(OrderCreated(orderId: pick(orders), amount: amount(),
                                                  paymentTermsDays: chance(30) ? Int(random.next() % 60) : nil))
            case 22..<28: return .orderAmended(OrderAmended(orderId: pick(orders), amount: amount()))
            case 28..<31: return .orderCancelled(OrderCancelled(orderId: pick(orders)))
            case 31..<55:
                let invoiceDate: LocalDate? = chance(30) ? start.utcDate.adding(days: Int(random.next() % 20)) : nil
                let dueDate: LocalDate? = chance(30) ? start.utcDate.adding(days: Int(random.next() % 50)) : nil
                return .shipmentShipped(ShipmentShipped(shipmentId: "S\(random.next() % 1000)", orderId: pick(orders), invoiceId: pick(invoices),
                                                        amount: amount(), invoiceDate: invoiceDate, dueDate: dueDate))
            case 55..<60: return .shipmentReturned(ShipmentReturned(shipmentId: "R\(random.next() % 1000)", invoiceId: pick(invoices), amount: amount()))
            case 60..<70:
                // Paid wholly by name, as most remittances are: the case a late shipment may pass.
                let paid = amount()
                return .paymentReceived(PaymentReceived(paymentId: pick(payments), amount: paid,
                                                        allocations: [PaymentAllocation(invoiceId: pick(invoices), amount: paid)]))
            case 70..<82:
                var allocations: [PaymentAllocation] = []
                for _ in 0..<Int(random.next() % 3) { allocations.append(PaymentAllocation(invoiceId: pick(invoices), amount: amount())) }
                return .paymentReceived(PaymentReceived(paymentId: pick(payments), amount: amount(), allocations: allocations))
            case 82..<87: return .paymentReversed(PaymentReversed(paymentId: pick(payments), reason: "NSF"))
            case 87..<94: return .disputeOpened(DisputeOpened(invoiceId: pick(invoices)))
            default: return .disputeResolved(DisputeResolved(invoiceId: pick(invoices)))
            }
        }

        /// `count` entries in business-time order (times repeat, so arrival breaks some ties).
        mutating func history(count: Int) -> [InputPayload] { (0..<count).map { _ in payload() } }
        func time(_ index: Int) -> Timestamp {
            Timestamp(microsecondsSinceEpoch: start.microsecondsSinceEpoch + Int64(index / 2) * 7_200_000_000)
        }
    }

    /// Arrival orders a consumer can produce: shuffled, by kind (a topic at a time), reversed.
    static func arrivals(_ count: Int, kinds: [InputPayload], random: inout SplitMix64) -> [[Int]] {
        let inOrder = Array(0..<count)
        var shuffled = inOrder
        shuffled.shuffle(using: &random)
        let byKind = inOrder.sorted { a, b in
            let (ka, kb) = (kinds[a].isOrderChange ? 0 : 1, kinds[b].isOrderChange ? 0 : 1)
            return ka != kb ? ka > kb : a < b
        }
        var nearly = inOrder
        for _ in 0..<(count / 4) {
            let i = Int(random.next() % UInt64(count - 1))
            nearly.swapAt(i, i + 1)
        }
        return [shuffled, byKind, Array(inOrder.reversed()), nearly]
    }

    /// `rewindingFrom` 0 keeps undo records for every ledger, so late entries that do not commute
    /// take back and re-fold only the entries after them; the default keeps none for ledgers this
    /// small, so they re-fold from `base`.
    @Test(arguments: [(3, 0), (8, 0), (256, 0), (3, LedgerJournal.rewindThreshold), (256, LedgerJournal.rewindThreshold)])
    func theShortcutGivesTheRefoldedJournal(capacity: Int, rewindingFrom threshold: Int) {
        var random = SplitMix64(seed: UInt64(capacity) * 7_919 &+ UInt64(threshold))
        var shortcuts: [String: Int] = [:]
        var refolds = 0
        var rewound = 0
        for history in 0..<150 {
            var generator = HistoryGenerator(random: SplitMix64(seed: random.next()))
            let payloads = generator.history(count: 40)
            let entries = payloads.indices.map { index in
                (time: generator.time(index), payload: payloads[index])
            }
            for (arrivalIndex, arrival) in Self.arrivals(entries.count, kinds: payloads, random: &random).enumerated() {
                var fast = LedgerJournal()
                var reference = LedgerJournal()
                var stored = StoredImage()
                for (sequence, index) in arrival.enumerated() {
                    let entry = LedgerEntry(sequence: Int64(sequence + 1), time: entries[index].time, eventId: "e\(index)",
                                            customerTermsDays: 30, payload: entries[index].payload)
                    let wasLate = !(fast.entries.last.map { $0.key <= entry.key } ?? true)
                    let behindItsPayment = Self.isShipment(entry, behindAPaymentOfItsInvoiceIn: fast.entries)
                    let undoRecords = fast.rewind.records.count
                    let after = fast.entries.count - (fast.entries.firstIndex { $0.key > entry.key } ?? fast.entries.count)
                    let refolded = fast.record(entry, capacity: capacity, rewindingFrom: threshold)
                    if refolded && after <= undoRecords { rewound += 1 }
                    reference.record(entry, capacity: capacity, commuting: false)
                    if wasLate && !refolded { shortcuts[entry.payload.type.rawValue, default: 0] += 1 }
                    if behindItsPayment && !refolded { shortcuts["shipment behind its payment", default: 0] += 1 }
                    if refolded { refolds += 1 }
                    guard fast == reference else {
                        Issue.record("history \(history), arrival \(arrivalIndex), after entry \(sequence) (\(entry.payload.type.rawValue)): the shortcut's ledger differs from the re-fold")
                        return
                    }
                    // Saved item by item after one entry, then after two: the journal loads back as it is.
                    if sequence % 3 != 1 {
                        var state = CustomerState(customerId: "C")
                        state.journal = fast
                        fast = LedgerJournal()
                        stored.check(&state, after: "history \(history), arrival \(arrivalIndex), entry \(sequence)")
                        fast = state.journal
                    }
                }
                if capacity >= entries.count {
                    #expect(fast.current == Self.fold(entries.map(\.payload), times: entries.map(\.time), arrival: arrival))
                }
            }
        }
        // The rules must actually take the shortcut, for every kind they allow it for.
        for kind in ["order.created", "order.amended", "shipment.shipped", "dispute.opened", "payment.received",
                     "shipment behind its payment"] {
            #expect(shortcuts[kind, default: 0] > 0, "no late \(kind) took the shortcut: \(shortcuts)")
        }
        #expect(refolds > 0)
        #expect(threshold > 0 ? rewound == 0 : rewound > refolds / 2, "\(rewound) of \(refolds) re-folds rewound")
    }

    /// A shipment arriving after a payment that names its invoice and comes later in time.
    static func isShipment(_ entry: LedgerEntry, behindAPaymentOfItsInvoiceIn window: [LedgerEntry]) -> Bool {
        guard case .shipmentShipped(let shipment) = entry.payload else { return false }
        return window.contains { other in
            guard case .paymentReceived = other.payload else { return false }
            return other.key > entry.key && other.payload.names(invoiceId: shipment.invoiceId)
        }
    }

    /// The contract's ledger: every entry folded in (time, arrival) order.
    static func fold(_ payloads: [InputPayload], times: [Timestamp], arrival: [Int]) -> Ledger {
        var keyed = arrival.enumerated().map { (sequence, index) in
            LedgerEntry(sequence: Int64(sequence + 1), time: times[index], eventId: "e\(index)", customerTermsDays: 30, payload: payloads[index])
        }
        keyed.sort { $0.key < $1.key }
        var ledger = Ledger()
        for entry in keyed { ledger.apply(entry) }
        return ledger
    }

    @Test func anOrderCreatedBehindItsOwnShipmentIsReFolded() {
        var journal = LedgerJournal()
        let t0 = Timestamp(rfc3339: "2026-03-01T00:00:00Z")!
        let t1 = Timestamp(rfc3339: "2026-03-02T00:00:00Z")!
        let eur = { (v: Int) in ConvertedAmount(DecimalAmount(v), currency: "EUR") }
        journal.record(LedgerEntry(sequence: 1, time: t1, eventId: "s", customerTermsDays: 30,
                                   payload: .shipmentShipped(ShipmentShipped(shipmentId: "S", orderId: "O1", invoiceId: "I1", amount: eur(40)))))
        let refolded = journal.record(LedgerEntry(sequence: 2, time: t0, eventId: "o", customerTermsDays: 30,
                                                  payload: .orderCreated(OrderCreated(orderId: "O1", amount: eur(100), paymentTermsDays: 10))))
        #expect(refolded)
        // The order's own terms set the invoice's due date only because the order was folded first.
        #expect(journal.current.invoices["I1"]?.dueDate == t1.utcDate.adding(days: 10))
        let other = journal.record(LedgerEntry(sequence: 3, time: t0, eventId: "o2", customerTermsDays: 30,
                                               payload: .orderCreated(OrderCreated(orderId: "O2", amount: eur(100)))))
        #expect(!other)
    }

    /// A payment read ahead of the shipment that issues its invoice: the shipment passes it, and
    /// the invoice is paid on the payment's date as in business-time order, not the shipment's.
    @Test func aShipmentBehindThePaymentOfItsInvoiceIsNotReFolded() {
        let t0 = Timestamp(rfc3339: "2026-03-01T10:00:00Z")!
        let t3 = Timestamp(rfc3339: "2026-03-04T10:00:00Z")!
        let eur = { (v: Int) in ConvertedAmount(DecimalAmount(v), currency: "EUR") }
        let shipment = { (amount: Int) in
            LedgerEntry(sequence: 3, time: t0, eventId: "s", customerTermsDays: 30,
                        payload: .shipmentShipped(ShipmentShipped(shipmentId: "S", orderId: "O1", invoiceId: "I1", amount: eur(amount))))
        }
        let payment = { (id: String, sequence: Int64, amount: Int) in
            LedgerEntry(sequence: sequence, time: t3, eventId: id, customerTermsDays: 30,
                        payload: .paymentReceived(PaymentReceived(paymentId: id, amount: eur(amount),
                                                                  allocations: [PaymentAllocation(invoiceId: "I1", amount: eur(amount))])))
        }
        for (amounts, shipped, commutes) in [([100], 100, true), ([60, 40], 100, true), ([60], 100, true), ([60, 50], 100, false)] {
            var fast = LedgerJournal()
            var reference = LedgerJournal()
            for (index, amount) in amounts.enumerated() {
                let entry = payment("P\(index)", Int64(index + 1), amount)
                fast.record(entry)
                reference.record(entry, commuting: false)
            }
            #expect(fast.current.invoices["I1"]?.pendingAllocations.first?.paymentDate == t3.utcDate)
            let refolded = fast.record(shipment(shipped))
            reference.record(shipment(shipped), commuting: false)
            #expect(refolded == !commutes, "payments \(amounts) on a shipment of \(shipped)")
            #expect(fast == reference)
            let invoice = fast.current.invoices["I1"]
            #expect(invoice?.openAmount == DecimalAmount(max(0, shipped - amounts.reduce(0, +))))
            #expect(invoice?.paidDate == (amounts.reduce(0, +) >= shipped ? t3.utcDate : nil))
        }
    }
}
