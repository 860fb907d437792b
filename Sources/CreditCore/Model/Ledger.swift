/// A customer's receivables ledger: orders' amounts, invoices, payments, credits.
///
/// It is a pure fold of ledger entries; `LedgerJournal` decides the order. Things referred to
/// before they are seen (a shipment for an unknown order, a reversal of an unknown payment, an
/// allocation to an unknown invoice…) are kept on a placeholder and take effect when they arrive.
public struct Ledger: Sendable, Codable, Equatable {
    public var orders: [String: LedgerOrder] = [:]
    public var invoices: [String: Invoice] = [:]
    public var payments: [String: PaymentRecord] = [:]
    public var creditNotes: [CreditNote] = []

    public init() {}

    /// Invoiced and not yet paid, overdue included. Kept as a running total (every change to an
    /// issued invoice's open amount goes through this type) because exposure is read several times
    /// per event; `recomputedTotals()` re-derives it for tests.
    public private(set) var openReceivables: DecimalAmount = .zero
    /// Payments not matched to an invoice, plus credits from returns larger than what was open.
    public private(set) var unappliedCash: DecimalAmount = .zero

    /// Orders with something left to ship, and issued invoices with something open: the few items
    /// exposure, overdue checks and payments look at, so their cost does not grow with history.
    /// Kept up to date by `apply`; not stored (rebuilt when a state is loaded).
    public private(set) var openOrderIds: Set<String> = []
    /// The open invoices, also in the order oldest-due-first payments take them.
    public private(set) var openInvoices = OpenInvoiceIndex()
    public var openInvoiceIds: Dictionary<String, LocalDate>.Keys { openInvoices.ids }
    /// The scorecard's figures by day, kept as items change (see `ScoringHistory`).
    public internal(set) var scoringHistory = ScoringHistory()
    /// Items changed since the store last wrote them (every fold and undo adds what it touched).
    public internal(set) var unsaved = UnsavedItems()

    enum CodingKeys: String, CodingKey {
        case orders, invoices, payments, creditNotes, openReceivables, unappliedCash
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        orders = try container.decode([String: LedgerOrder].self, forKey: .orders)
        invoices = try container.decode([String: Invoice].self, forKey: .invoices)
        payments = try container.decode([String: PaymentRecord].self, forKey: .payments)
        creditNotes = try container.decode([CreditNote].self, forKey: .creditNotes)
        openReceivables = try container.decode(DecimalAmount.self, forKey: .openReceivables)
        unappliedCash = try container.decode(DecimalAmount.self, forKey: .unappliedCash)
        rebuildOpenSets()
    }

    /// A ledger from its stored items and running totals (the store's hand-written format); the
    /// open sets are rebuilt as when decoding.
    public init(orders: [String: LedgerOrder], invoices: [String: Invoice], payments: [String: PaymentRecord],
                creditNotes: [CreditNote], openReceivables: DecimalAmount, unappliedCash: DecimalAmount) {
        self.orders = orders
        self.invoices = invoices
        self.payments = payments
        self.creditNotes = creditNotes
        self.openReceivables = openReceivables
        self.unappliedCash = unappliedCash
        rebuildOpenSets()
    }

    /// The order, invoice or payment under `key` (nil for a decision's key).
    public func item(_ key: ItemKey) -> StoredItem? {
        switch key.kind {
        case .order: orders[key.id].map(StoredItem.order)
        case .invoice: invoices[key.id].map(StoredItem.invoice)
        case .payment: payments[key.id].map(StoredItem.payment)
        case .decision: nil
        }
    }

    /// Every order, invoice and payment, by key.
    public var itemKeys: [ItemKey] {
        orders.keys.map { ItemKey(kind: .order, id: $0) } + invoices.keys.map { ItemKey(kind: .invoice, id: $0) }
            + payments.keys.map { ItemKey(kind: .payment, id: $0) }
    }

    /// Sets the item under `key` as stored (nil: absent). Loading only: open sets are not kept.
    mutating func restore(_ key: ItemKey, _ item: StoredItem?) {
        switch (key.kind, item) {
        case (.order, .order(let order)?): orders[key.id] = order
        case (.invoice, .invoice(let invoice)?): invoices[key.id] = invoice
        case (.payment, .payment(let payment)?): payments[key.id] = payment
        case (.order, nil): orders[key.id] = nil
        case (.invoice, nil): invoices[key.id] = nil
        case (.payment, nil): payments[key.id] = nil
        default: preconditionFailure("item \(key) stored as \(item.map { "\($0.kind)" } ?? "nothing")")
        }
    }

    /// Everything the store holds is as in memory (after a save, or a load from the item rows).
    public mutating func markSaved() { unsaved = UnsavedItems() }

    /// How many orders, invoices and payments it holds (what copying it costs).
    public var itemCount: Int { orders.count + invoices.count + payments.count }

    /// Re-derives the open sets and the scoring history from the items (after loading, and in tests).
    public mutating func rebuildOpenSets() {
        openOrderIds = Set(orders.values.filter(\.isOpen).map(\.orderId))
        openInvoices = OpenInvoiceIndex(invoices.values)
        scoringHistory = ScoringHistory(invoices: invoices.values, payments: payments.values)
    }

    mutating func refresh(orderId: String) {
        if orders[orderId]?.isOpen == true { openOrderIds.insert(orderId) } else { openOrderIds.remove(orderId) }
    }

    mutating func refresh(invoiceId: String) {
        openInvoices.update(invoiceId, invoices[invoiceId])
    }

    /// Sets the running totals back (`undo(_:)`, which restores the items they sum).
    mutating func restoreTotals(openReceivables: DecimalAmount, unappliedCash: DecimalAmount) {
        self.openReceivables = openReceivables
        self.unappliedCash = unappliedCash
    }

    /// Both totals summed from the items, to check the running totals.
    public func recomputedTotals() -> (openReceivables: DecimalAmount, unappliedCash: DecimalAmount) {
        var receivables = DecimalAmount.zero
        for invoice in invoices.values where invoice.issued { receivables += invoice.openAmount }
        var unapplied = DecimalAmount.zero
        for payment in payments.values where payment.isEffective { unapplied += payment.unapplied }
        for note in creditNotes { unapplied += note.amount }
        return (receivables, unapplied)
    }

    /// Applies one entry. Must be called in (time, sequence) order for the result to be the
    /// contract's ledger; `LedgerJournal` guarantees that.
    public mutating func apply(_ entry: LedgerEntry) { _ = applyRecordingUndo(entry) }

    /// `plan`: a payment's allocation plan already worked out on this ledger (`recordingUndo`
    /// needs it first, to know which invoices the payment will take).
    mutating func apply(_ entry: LedgerEntry, plan: AllocationPlan?) {
        let date = entry.time.utcDate
        switch entry.payload {
        case .orderCreated(let event): createOrder(event, time: entry.time)
        case .orderAmended(let event): amendOrder(event, time: entry.time)
        case .orderCancelled(let event): orders[event.orderId, default: LedgerOrder(orderId: event.orderId)].cancelled = true
        case .shipmentShipped(let event): ship(event, date: date, customerTermsDays: entry.customerTermsDays)
        case .shipmentReturned(let event): returnGoods(event, date: date)
        case .paymentReceived(let event): receive(event, date: date, plan: plan)
        case .paymentReversed(let event): reverse(event, date: date)
        case .disputeOpened(let event):
            invoices[event.invoiceId, default: Invoice(invoiceId: event.invoiceId)].disputed = true
            invoices[event.invoiceId]?.disputedOn = date
        case .disputeResolved(let event): invoices[event.invoiceId, default: Invoice(invoiceId: event.invoiceId)].disputed = false
        }
        // Keep the open sets current for every item this entry can have changed.
        switch entry.payload {
        case .orderCreated(let event): refresh(orderId: event.orderId)
        case .orderAmended(let event): refresh(orderId: event.orderId)
        case .orderCancelled(let event): refresh(orderId: event.orderId)
        case .shipmentShipped(let event):
            refresh(orderId: event.orderId)
            refresh(invoiceId: event.invoiceId)
        case .shipmentReturned(let event): refresh(invoiceId: event.invoiceId)
        case .paymentReceived(let event):
            for allocation in event.allocations { refresh(invoiceId: allocation.invoiceId) }
            for application in payments[event.paymentId]?.applications ?? [] { refresh(invoiceId: application.invoiceId) }
        case .paymentReversed(let event):
            for application in payments[event.paymentId]?.applications ?? [] { refresh(invoiceId: application.invoiceId) }
            for invoiceId in payments[event.paymentId]?.pendingInvoiceIds ?? [] { refresh(invoiceId: invoiceId) }
        case .disputeOpened(let event): refresh(invoiceId: event.invoiceId)
        case .disputeResolved(let event): refresh(invoiceId: event.invoiceId)
        }
    }

    private mutating func createOrder(_ event: OrderCreated, time: Timestamp) {
        var order = orders[event.orderId] ?? LedgerOrder(orderId: event.orderId)
        // A second creation of the same order id is a producer error; the first one stands.
        guard !order.created else { return }
        order.created = true
        order.total = event.amount.amount
        order.valueTime = time
        order.paymentTermsDays = event.paymentTermsDays
        if let pending = order.pendingAmendment {
            // Only an amendment at the same business time can precede its order in the fold;
            // an older one is stale.
            if pending.time >= time {
                order.total = pending.amount
                order.valueTime = pending.time
            }
            order.pendingAmendment = nil
        }
        orders[event.orderId] = order
    }

    private mutating func amendOrder(_ event: OrderAmended, time: Timestamp) {
        var order = orders[event.orderId] ?? LedgerOrder(orderId: event.orderId)
        if order.created {
            if let valueTime = order.valueTime, time < valueTime { return }  // stale
            order.total = event.amount.amount
            order.valueTime = time
        } else if order.pendingAmendment.map({ $0.time <= time }) ?? true {
            order.pendingAmendment = PendingAmendment(amount: event.amount.amount, time: time)
        }
        orders[event.orderId] = order
    }

    private mutating func ship(_ event: ShipmentShipped, date: LocalDate, customerTermsDays: Int) {
        var invoice = invoices[event.invoiceId] ?? Invoice(invoiceId: event.invoiceId)
        // The same shipment again under another event id (a producer's retry): the one earliest
        // in business time stands, the repeat changes nothing.
        guard !invoice.invoices(shipmentId: event.shipmentId) else { return }
        invoice.shipmentIds.append(event.shipmentId)
        let amount = event.amount.amount
        var order = orders[event.orderId] ?? LedgerOrder(orderId: event.orderId)
        order.shipped += amount
        orders[event.orderId] = order

        if invoice.issued {
            // A further shipment on the same invoice adds to it.
            invoice.amount += amount
            invoice.openAmount += amount
            openReceivables += amount
            invoice.paidDate = nil
            invoices[event.invoiceId] = invoice
            return
        }
        invoice.issued = true
        invoice.orderId = event.orderId
        invoice.amount = amount
        invoice.openAmount = amount
        openReceivables += amount
        let dates = Self.invoiceDates(of: event, date: date, order: order, customerTermsDays: customerTermsDays)
        invoice.invoiceDate = dates.invoiceDate
        invoice.dueDate = dates.dueDate
        let allocations = invoice.pendingAllocations
        let returns = invoice.pendingReturns
        invoice.pendingAllocations = []
        invoice.pendingReturns = []
        invoices[event.invoiceId] = invoice

        for allocation in allocations {
            guard var payment = payments[allocation.paymentId], payment.isEffective else { continue }
            payment.pendingInvoiceIds.removeAll { $0 == event.invoiceId }
            let applied = DecimalAmount.min(DecimalAmount.min(allocation.amount, payment.unapplied), invoices[event.invoiceId]!.openAmount)
            if applied.isPositive {
                payment.unapplied -= applied
                unappliedCash -= applied
                payment.applications.append(PaymentApplication(invoiceId: event.invoiceId, amount: applied))
                reduceOpen(of: event.invoiceId, by: applied, date: max(allocation.paymentDate ?? date, date))
            }
            payments[allocation.paymentId] = payment
        }
        for pending in returns {
            applyReturn(invoiceId: event.invoiceId, shipmentId: pending.shipmentId, amount: pending.amount, date: date)
        }
    }

    private mutating func returnGoods(_ event: ShipmentReturned, date: LocalDate) {
        var invoice = invoices[event.invoiceId] ?? Invoice(invoiceId: event.invoiceId)
        guard invoice.issued else {
            invoice.pendingReturns.append(PendingReturn(shipmentId: event.shipmentId, amount: event.amount.amount))
            invoices[event.invoiceId] = invoice
            return
        }
        applyReturn(invoiceId: event.invoiceId, shipmentId: event.shipmentId, amount: event.amount.amount, date: date)
    }

    /// A credit note reduces what is open; any excess is a credit (unapplied cash) for the customer.
    private mutating func applyReturn(invoiceId: String, shipmentId: String, amount: DecimalAmount, date: LocalDate) {
        let open = invoices[invoiceId]!.openAmount
        let applied = DecimalAmount.min(amount, open)
        invoices[invoiceId]!.returned += applied
        if applied.isPositive { reduceOpen(of: invoiceId, by: applied, date: date) }
        let excess = amount - applied
        if excess.isPositive {
            creditNotes.append(CreditNote(shipmentId: shipmentId, invoiceId: invoiceId, amount: excess))
            unappliedCash += excess
        }
    }

    private mutating func reduceOpen(of invoiceId: String, by amount: DecimalAmount, date: LocalDate) {
        var invoice = invoices[invoiceId]!
        invoice.openAmount -= amount
        openReceivables -= amount
        if invoice.openAmount.isZero && invoice.paidDate == nil { invoice.paidDate = date }
        invoices[invoiceId] = invoice
    }

    private mutating func receive(_ event: PaymentReceived, date: LocalDate, plan: AllocationPlan?) {
        var payment = payments[event.paymentId] ?? PaymentRecord(paymentId: event.paymentId)
        guard !payment.received else { return }  // a second payment with the same id: the first stands
        payment.received = true
        payment.amount = event.amount.amount
        if payment.reversed {
            // Its reversal came first: the payment arrives already undone.
            payments[event.paymentId] = payment
            return
        }
        let plan = plan ?? allocationPlan(for: event, amount: payment.amount)
        for step in plan.steps {
            if step.pending {
                var invoice = invoices[step.invoiceId] ?? Invoice(invoiceId: step.invoiceId)
                invoice.pendingAllocations.append(PendingAllocation(paymentId: event.paymentId, amount: step.amount, paymentDate: date))
                invoices[step.invoiceId] = invoice
                if !payment.pendingInvoiceIds.contains(step.invoiceId) { payment.pendingInvoiceIds.append(step.invoiceId) }
            } else {
                payment.applications.append(PaymentApplication(invoiceId: step.invoiceId, amount: step.amount))
                reduceOpen(of: step.invoiceId, by: step.amount, date: date)
            }
        }
        payment.unapplied = plan.remaining + plan.reserved
        unappliedCash += payment.unapplied
        payments[event.paymentId] = payment
    }

    /// The dates a shipment gives the invoice it issues: its own dates, else the shipment's date
    /// plus the order's own terms (once the order is created), else the customer's.
    static func invoiceDates(of event: ShipmentShipped, date: LocalDate, order: LedgerOrder?,
                             customerTermsDays: Int) -> (invoiceDate: LocalDate, dueDate: LocalDate) {
        let invoiceDate = event.invoiceDate ?? date
        let terms = (order?.created == true ? order?.paymentTermsDays : nil) ?? customerTermsDays
        return (invoiceDate, event.dueDate ?? invoiceDate.adding(days: terms))
    }

    /// The order in which a payment takes open invoices: due date, then invoice id.
    static func takenFirst(_ a: (due: LocalDate, invoiceId: String), before b: (due: LocalDate, invoiceId: String)) -> Bool {
        OpenInvoiceIndex.Key(due: a.due, invoiceId: a.invoiceId) < OpenInvoiceIndex.Key(due: b.due, invoiceId: b.invoiceId)
    }

    /// What a payment received now would do, worked out without changing anything (`receive`
    /// carries it out; `LedgerJournal.commutes` asks which invoices a late payment would take).
    struct AllocationPlan {
        struct Step {
            var invoiceId: String
            var amount: DecimalAmount
            /// Waits on an invoice not issued yet (reserved, applied when the invoice comes).
            var pending: Bool
        }
        var steps: [Step] = []
        /// Left over after both passes (unapplied cash).
        var remaining: DecimalAmount
        /// Reserved for invoices not issued yet.
        var reserved = DecimalAmount.zero
    }

    /// Named allocations first, each up to what its invoice still owes; then undisputed open
    /// invoices, oldest due date first, ties by invoice id.
    func allocationPlan(for event: PaymentReceived, amount: DecimalAmount) -> AllocationPlan {
        var plan = AllocationPlan(remaining: amount)
        // Open amounts after this payment's own earlier steps (an invoice may be named twice).
        var reduced: [String: DecimalAmount] = [:]
        for allocation in event.allocations where plan.remaining.isPositive {
            let wanted = DecimalAmount.min(allocation.amount.amount, plan.remaining)
            guard let invoice = invoices[allocation.invoiceId], invoice.issued else {
                plan.steps.append(.init(invoiceId: allocation.invoiceId, amount: wanted, pending: true))
                plan.reserved += wanted
                plan.remaining -= wanted
                continue
            }
            let open = reduced[allocation.invoiceId] ?? invoice.openAmount
            let applied = DecimalAmount.min(wanted, open)
            if applied.isPositive {
                plan.steps.append(.init(invoiceId: allocation.invoiceId, amount: applied, pending: false))
                reduced[allocation.invoiceId] = open - applied
                plan.remaining -= applied
            }
        }
        guard plan.remaining.isPositive else { return plan }
        // Oldest due first: the index is in that order, so read from its front what is needed.
        for key in openInvoices.ordered {
            guard plan.remaining.isPositive else { break }
            guard let invoice = invoices[key.invoiceId], invoice.issued, !invoice.disputed else { continue }
            let open = reduced[key.invoiceId] ?? invoice.openAmount
            guard open.isPositive else { continue }
            take(key.invoiceId, open, into: &plan)
        }
        return plan
    }

    private func take(_ invoiceId: String, _ open: DecimalAmount, into plan: inout AllocationPlan) {
        let applied = DecimalAmount.min(plan.remaining, open)
        plan.steps.append(.init(invoiceId: invoiceId, amount: applied, pending: false))
        plan.remaining -= applied
    }

    private mutating func reverse(_ event: PaymentReversed, date: LocalDate) {
        var payment = payments[event.paymentId] ?? PaymentRecord(paymentId: event.paymentId)
        guard !payment.reversed else { return }
        payment.reversed = true
        payment.reversedOn = date
        payment.reversalReason = event.reason
        if payment.received {
            for application in payment.applications {
                guard var invoice = invoices[application.invoiceId] else { continue }
                invoice.openAmount += application.amount
                openReceivables += application.amount
                if invoice.openAmount.isPositive { invoice.paidDate = nil }
                invoices[application.invoiceId] = invoice
            }
            for invoiceId in payment.pendingInvoiceIds {
                invoices[invoiceId]?.pendingAllocations.removeAll { $0.paymentId == event.paymentId }
            }
            payment.pendingInvoiceIds = []
            unappliedCash -= payment.unapplied
            payment.unapplied = .zero
        }
        payments[event.paymentId] = payment
    }
}
