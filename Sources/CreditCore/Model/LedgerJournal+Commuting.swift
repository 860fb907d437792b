extension LedgerJournal {
    /// Whether folding `late` after every entry of `later` gives the same ledger as folding it
    /// before them, so that a late entry can be applied to `current` instead of re-folding the
    /// whole window from `base` (a consumer with a backlog sees most of a customer's shipments and
    /// payments after orders of later days; every re-fold copies the customer's whole history).
    ///
    /// `current` is the ledger with every entry of the window folded except `late`. The rules are
    /// conservative: two entries commute when they touch different orders, invoices and payments
    /// and neither reads what the other changes. Payments read every open invoice (they are
    /// applied oldest due date first), so they commute with little; see `shipmentCommutes` and
    /// `paymentCommutes`.
    /// `LedgerJournalCommutingTests` checks the rules against a full re-fold on random histories.
    static func commutes(_ late: LedgerEntry, with later: ArraySlice<LedgerEntry>, current: Ledger) -> Bool {
        switch late.payload {
        case .orderCreated(let event):
            // A shipment reads only whether its order was created and the order's own payment
            // terms: without terms of its own, the order's creation does not change its invoice.
            return orderChangeCommutes(orderId: event.orderId, passingShipments: event.paymentTermsDays == nil, with: later)
        case .orderAmended(let event): return orderChangeCommutes(orderId: event.orderId, passingShipments: true, with: later)
        case .orderCancelled(let event): return orderChangeCommutes(orderId: event.orderId, passingShipments: true, with: later)
        case .shipmentShipped(let event): return shipmentCommutes(event, entry: late, with: later, current: current)
        case .disputeOpened(let event): return disputeCommutes(invoiceId: event.invoiceId, with: later)
        case .disputeResolved(let event): return disputeCommutes(invoiceId: event.invoiceId, with: later)
        case .shipmentReturned(let event):
            // A return may add a credit note (the notes are a list: their order counts), so it
            // passes only entries that neither add notes nor read open amounts.
            return later.allSatisfy { entry in
                switch entry.payload {
                case .orderCreated, .orderAmended, .orderCancelled: true
                case .disputeOpened(let other): other.invoiceId != event.invoiceId
                case .disputeResolved(let other): other.invoiceId != event.invoiceId
                default: false
                }
            }
        case .paymentReceived(let event): return paymentCommutes(event, with: later, current: current)
        case .paymentReversed:
            // Reopens what the payment paid: every later payment could have taken it.
            return later.allSatisfy { $0.payload.isOrderChange }
        }
    }

    /// A payment reads every open invoice, so it passes only order changes and shipments, and a
    /// shipment only when the payment takes nothing from its invoice: not by name, and not in the
    /// oldest-due-first pass as worked out on `current` (where the later shipments' invoices are
    /// already issued). Every other invoice it takes is the same there as at its own place, so it
    /// is used up before the shipments' invoices there too; and a shipment reads nothing a
    /// payment of another invoice changes.
    private static func paymentCommutes(_ event: PaymentReceived, with later: ArraySlice<LedgerEntry>, current: Ledger) -> Bool {
        var shipped: Set<String> = []
        for other in later {
            switch other.payload {
            case .orderCreated, .orderAmended, .orderCancelled: continue
            case .shipmentShipped(let shipment): shipped.insert(shipment.invoiceId)
            default: return false
            }
        }
        if shipped.isEmpty { return true }
        if event.allocations.contains(where: { shipped.contains($0.invoiceId) }) { return false }
        // A second receipt of a payment already received, or one already reversed, changes nothing.
        if let record = current.payments[event.paymentId], record.received || record.reversed { return true }
        let plan = current.allocationPlan(for: event, amount: event.amount.amount)
        return plan.steps.allSatisfy { !shipped.contains($0.invoiceId) }
    }

    /// An order's creation, amendment or cancellation changes only that order: it passes every
    /// entry that does not name it, and the order's own shipments when `passingShipments`
    /// (a shipment adds to what was shipped and reads nothing an amendment or cancellation changes).
    private static func orderChangeCommutes(orderId: String, passingShipments: Bool, with later: ArraySlice<LedgerEntry>) -> Bool {
        later.allSatisfy { entry in
            switch entry.payload {
            case .shipmentShipped(let shipment): passingShipments || shipment.orderId != orderId
            default: !entry.payload.names(orderId: orderId)
            }
        }
    }

    /// A dispute changes whether its invoice can take a payment: it passes everything but
    /// payments, reversals and entries naming its invoice.
    private static func disputeCommutes(invoiceId: String, with later: ArraySlice<LedgerEntry>) -> Bool {
        later.allSatisfy { entry in
            switch entry.payload {
            case .paymentReceived, .paymentReversed: false
            default: !entry.payload.names(invoiceId: invoiceId)
            }
        }
    }

    /// A shipment that issues a new invoice with nothing waiting on it (no allocation, no return)
    /// changes only its order, its invoice and the receivables total. It passes every later entry
    /// that names neither, except reversals, and except a payment that could have been applied to
    /// the new invoice: one is safe when nothing of it is left unapplied and every invoice it paid
    /// comes before the new one in the oldest-due-first order (it was used up before reaching it).
    private static func shipmentCommutes(_ event: ShipmentShipped, entry: LedgerEntry, with later: ArraySlice<LedgerEntry>,
                                         current: Ledger) -> Bool {
        if let invoice = current.invoices[event.invoiceId],
           invoice.issued || !invoice.pendingAllocations.isEmpty || !invoice.pendingReturns.isEmpty {
            return false
        }
        var dueDate: LocalDate?
        for other in later {
            if other.payload.names(orderId: event.orderId) || other.payload.names(invoiceId: event.invoiceId) { return false }
            switch other.payload {
            case .paymentReversed:
                return false
            case .paymentReceived(let payment):
                guard let record = current.payments[payment.paymentId], record.unapplied.isZero else { return false }
                if record.applications.isEmpty { continue }
                // The invoice's order is untouched by the later entries: `current` has it as it was.
                let due = dueDate ?? Ledger.invoiceDates(of: event, date: entry.time.utcDate, order: current.orders[event.orderId],
                                                         customerTermsDays: entry.customerTermsDays).dueDate
                dueDate = due
                for application in record.applications {
                    guard let paid = current.invoices[application.invoiceId], let paidDue = paid.dueDate else { return false }
                    if !Ledger.takenFirst((paidDue, application.invoiceId), before: (due, event.invoiceId)) { return false }
                }
            default:
                continue
            }
        }
        return true
    }
}

extension InputPayload {
    /// Changes only an order (its creation, amount or cancellation).
    var isOrderChange: Bool {
        switch self {
        case .orderCreated, .orderAmended, .orderCancelled: true
        default: false
        }
    }

    /// Reads or changes the order `orderId`.
    func names(orderId: String) -> Bool {
        switch self {
        case .orderCreated(let event): event.orderId == orderId
        case .orderAmended(let event): event.orderId == orderId
        case .orderCancelled(let event): event.orderId == orderId
        case .shipmentShipped(let event): event.orderId == orderId
        default: false
        }
    }

    /// Reads or changes the invoice `invoiceId` by name.
    func names(invoiceId: String) -> Bool {
        switch self {
        case .shipmentShipped(let event): event.invoiceId == invoiceId
        case .shipmentReturned(let event): event.invoiceId == invoiceId
        case .paymentReceived(let event): event.allocations.contains { $0.invoiceId == invoiceId }
        case .disputeOpened(let event): event.invoiceId == invoiceId
        case .disputeResolved(let event): event.invoiceId == invoiceId
        default: false
        }
    }
}
