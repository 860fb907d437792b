/// What folding one entry changed in a ledger, enough to take it back: every item the entry
/// could change, as it was before, and what it added to the running totals.
///
/// Why: a late entry that does not commute makes the journal re-fold its window. From `base`
/// that copies the customer's whole ledger (every order, invoice and payment of its history,
/// since the first write to a copied `Dictionary` copies all of it) and folds up to 256 entries
/// again; for an account with thousands of items that copy was most of the cost. Taking back
/// only the entries after the late one and folding them again costs what those entries touch.
struct LedgerUndo: Sendable {
    /// An item as it was before the entry (nil: it did not exist). One list for the three kinds,
    /// so that a record costs one allocation.
    enum Saved: Sendable {
        case order(String, LedgerOrder?)
        case invoice(String, Invoice?)
        case payment(String, PaymentRecord?)

        /// The kind and id, to compare two records' items.
        var key: ItemKey {
            switch self {
            case .order(let id, _): ItemKey(kind: .order, id: id)
            case .invoice(let id, _): ItemKey(kind: .invoice, id: id)
            case .payment(let id, _): ItemKey(kind: .payment, id: id)
            }
        }
    }

    var saved: [Saved] = []
    var creditNotesAdded = 0
    var openReceivablesChange = DecimalAmount.zero
    var unappliedCashChange = DecimalAmount.zero

    /// True when both records save the same item or both add credit notes: then taking one back
    /// is not independent of the other.
    func overlaps(_ other: LedgerUndo) -> Bool {
        if creditNotesAdded > 0 && other.creditNotesAdded > 0 { return true }
        if saved.isEmpty || other.saved.isEmpty { return false }
        if saved.count * other.saved.count <= 64 {
            return saved.contains { item in other.saved.contains { $0.key == item.key } }
        }
        let keys = Set(saved.map(\.key))
        return other.saved.contains { keys.contains($0.key) }
    }

    /// Whether it saves an item of that kind and id (duplicates are harmless: every copy is the
    /// item as it was before the entry; this keeps the usual short lists short).
    func saves(_ key: ItemKey) -> Bool { saved.contains { $0.key == key } }
}

extension Ledger {
    /// Applies `entry` (every fold goes through here: `apply(_:)` drops the record) and returns how
    /// to take it back with `undo(_:)`.
    mutating func applyRecordingUndo(_ entry: LedgerEntry) -> LedgerUndo {
        var record = LedgerUndo()
        var plan: AllocationPlan?
        switch entry.payload {
        case .orderCreated(let event): saveOrder(event.orderId, in: &record)
        case .orderAmended(let event): saveOrder(event.orderId, in: &record)
        case .orderCancelled(let event): saveOrder(event.orderId, in: &record)
        case .shipmentShipped(let event):
            saveOrder(event.orderId, in: &record)
            saveInvoice(event.invoiceId, in: &record)
            // Issuing the invoice applies the allocations waiting on it to their payments.
            for allocation in invoices[event.invoiceId]?.pendingAllocations ?? [] { savePayment(allocation.paymentId, in: &record) }
        case .shipmentReturned(let event): saveInvoice(event.invoiceId, in: &record)
        case .paymentReceived(let event):
            savePayment(event.paymentId, in: &record)
            let payment = payments[event.paymentId]
            if payment?.received != true && payment?.reversed != true {
                let worked = allocationPlan(for: event, amount: event.amount.amount)
                for step in worked.steps { saveInvoice(step.invoiceId, in: &record) }
                plan = worked
            }
        case .paymentReversed(let event):
            savePayment(event.paymentId, in: &record)
            for application in payments[event.paymentId]?.applications ?? [] { saveInvoice(application.invoiceId, in: &record) }
            for invoiceId in payments[event.paymentId]?.pendingInvoiceIds ?? [] { saveInvoice(invoiceId, in: &record) }
        case .disputeOpened(let event): saveInvoice(event.invoiceId, in: &record)
        case .disputeResolved(let event): saveInvoice(event.invoiceId, in: &record)
        }
        let (receivables, cash, notes) = (openReceivables, unappliedCash, creditNotes.count)
        apply(entry, plan: plan)
        // The scoring history: each item out as it was, in as it is now (once per item; past a
        // few items the list may hold an item twice, see `saveInvoice`).
        var counted: Set<ItemKey> = []
        for (index, item) in record.saved.enumerated() {
            if record.saved.count <= 16 {
                if record.saved[..<index].contains(where: { $0.key == item.key }) { continue }
            } else if !counted.insert(item.key).inserted {
                continue
            }
            switch item {
            case .order: break
            case .invoice(let id, let before):
                scoringHistory.add(before, sign: -1)
                scoringHistory.add(invoices[id], sign: 1)
            case .payment(let id, let before):
                scoringHistory.add(before, sign: -1)
                scoringHistory.add(payments[id], sign: 1)
            }
        }
        for item in record.saved { unsaved.insert(item.key) }
        record.openReceivablesChange = openReceivables - receivables
        record.unappliedCashChange = unappliedCash - cash
        record.creditNotesAdded = creditNotes.count - notes
        return record
    }

    /// Takes back the entry `record` was made for. It must be the last entry applied, or every
    /// entry applied after it must touch none of its items (`LedgerUndo.overlaps`).
    mutating func undo(_ record: LedgerUndo) {
        for item in record.saved {
            switch item {
            case .order(let id, let before):
                orders[id] = before
                refresh(orderId: id)
            case .invoice(let id, let before):
                // A second copy of an item finds it restored already: out and in cancel.
                scoringHistory.add(invoices[id], sign: -1)
                scoringHistory.add(before, sign: 1)
                invoices[id] = before
                refresh(invoiceId: id)
            case .payment(let id, let before):
                scoringHistory.add(payments[id], sign: -1)
                scoringHistory.add(before, sign: 1)
                payments[id] = before
            }
        }
        for item in record.saved { unsaved.insert(item.key) }
        creditNotes.removeLast(record.creditNotesAdded)
        restoreTotals(openReceivables: openReceivables - record.openReceivablesChange,
                      unappliedCash: unappliedCash - record.unappliedCashChange)
    }

    private func saveOrder(_ id: String, in record: inout LedgerUndo) {
        if record.saves(.init(kind: .order, id: id)) { return }
        record.saved.append(.order(id, orders[id]))
    }

    private func saveInvoice(_ id: String, in record: inout LedgerUndo) {
        // A payment may take many invoices: past a few, duplicates are cheaper than the search.
        if record.saved.count < 16, record.saves(.init(kind: .invoice, id: id)) { return }
        record.saved.append(.invoice(id, invoices[id]))
    }

    private func savePayment(_ id: String, in record: inout LedgerUndo) {
        if record.saves(.init(kind: .payment, id: id)) { return }
        record.saved.append(.payment(id, payments[id]))
    }
}
