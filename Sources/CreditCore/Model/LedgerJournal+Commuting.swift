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

    /// A shipment that issues a new invoice changes only its order, its invoice and the
    /// receivables total. It passes every later entry that names neither, except reversals, and
    /// except a payment that could have been applied to the new invoice: one is safe when nothing
    /// of it is left unapplied and every invoice it paid comes before the new one in the
    /// oldest-due-first order (it was used up before reaching it).
    ///
    /// It also passes later payments that pay exactly this invoice by name, wholly, within the
    /// shipment's amount: the usual case of a consumer that reads the payments topic ahead of the
    /// shipments topic. In business-time order each of them finds the invoice issued and pays it
    /// on its own date; folded first, each waits on the invoice (a pending allocation with its
    /// date) and is applied when the shipment issues it, on the later of the two dates. With the
    /// sum within the amount neither order caps an allocation, and neither leaves a remainder for
    /// the oldest-due-first pass. Other pending items (returns, allocations of payments not in
    /// `later`) make it re-fold.
    private static func shipmentCommutes(_ event: ShipmentShipped, entry: LedgerEntry, with later: ArraySlice<LedgerEntry>,
                                         current: Ledger) -> Bool {
        let waiting = current.invoices[event.invoiceId]
        if let invoice = waiting, invoice.issued || !invoice.pendingReturns.isEmpty { return false }
        var payers: [(paymentId: String, amount: DecimalAmount)] = []
        var dueDate: LocalDate?
        for other in later {
            if other.payload.names(orderId: event.orderId) { return false }
            switch other.payload {
            case .paymentReversed:
                return false
            case .paymentReceived(let payment) where other.payload.names(invoiceId: event.invoiceId):
                guard let amount = paysOnly(invoiceId: event.invoiceId, payment, current: current) else { return false }
                payers.append((payment.paymentId, amount))
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
                if other.payload.names(invoiceId: event.invoiceId) { return false }
            }
        }
        // What waits on the invoice is exactly those payments, in the same order, within its amount.
        let pending = waiting?.pendingAllocations ?? []
        guard pending.count == payers.count else { return false }
        var total = DecimalAmount.zero
        for (allocation, payer) in zip(pending, payers) {
            guard allocation.paymentId == payer.paymentId, allocation.amount == payer.amount else { return false }
            total += allocation.amount
        }
        return total <= event.amount.amount
    }

    /// The amount of a payment that names only `invoiceId`, once, for the whole payment, and that
    /// `current` holds as received, not reversed and wholly waiting on that invoice; nil otherwise.
    private static func paysOnly(invoiceId: String, _ payment: PaymentReceived, current: Ledger) -> DecimalAmount? {
        guard payment.allocations.count == 1, let allocation = payment.allocations.first,
              allocation.invoiceId == invoiceId, allocation.amount.amount == payment.amount.amount,
              let record = current.payments[payment.paymentId], record.received, !record.reversed,
              record.amount == payment.amount.amount, record.applications.isEmpty,
              record.pendingInvoiceIds == [invoiceId], record.unapplied == payment.amount.amount else { return nil }
        return payment.amount.amount
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
