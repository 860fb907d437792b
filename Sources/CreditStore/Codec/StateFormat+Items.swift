import CreditCore

// Version 3: decisions and ledger items as rows of their own, and the window's differences.

extension BinaryWriter {
    /// An item's fields, in the layout of its type inside a whole ledger (the kind is the row's).
    mutating func storedItem(_ item: StoredItem) {
        switch item {
        case .order(let order): ledgerOrder(order)
        case .invoice(let invoice): self.invoice(invoice)
        case .payment(let payment): paymentRecord(payment)
        case .decision(let decision): orderDecision(decision)
        }
    }
}

extension BinaryReader {
    mutating func storedItem(_ kind: ItemKind) throws -> StoredItem {
        switch kind {
        case .order: .order(try ledgerOrder())
        case .invoice: .invoice(try invoice())
        case .payment: .payment(try paymentRecord())
        case .decision: .decision(try orderDecision())
        }
    }

    mutating func itemKind() throws -> ItemKind {
        let raw = try byte()
        guard let kind = ItemKind(rawValue: raw) else { throw fail("unknown item kind \(raw)") }
        return kind
    }
}

/// A stored window as read: version 3 and later store the base as its differences from the
/// current ledger; earlier rows store it whole.
public enum StoredWindow: Sendable {
    case whole(LedgerJournal)
    case differences(LedgerWindow)
}

extension LedgerJournal {
    /// Attaches a window read from storage, in either form.
    public mutating func attachWindow(_ window: StoredWindow) {
        switch window {
        case .whole(let journal): attachWindow(journal)
        case .differences(let window): attachWindow(window)
        }
    }
}

extension StateFormat {
    /// The state with its decisions and ledger items put back from their rows, as stored: nothing
    /// left to write. `state` is a version 3 state row decoded (`keepsItemsApart`).
    public static func attachItems(_ rows: [(kind: ItemKind, id: String, body: [UInt8])], to state: inout CustomerState) throws {
        var orders: [String: LedgerOrder] = [:]
        var invoices: [String: Invoice] = [:]
        var payments: [String: PaymentRecord] = [:]
        var decisions: [String: OrderDecision] = [:]
        for row in rows {
            switch try decodeItem(kind: row.kind, row.body) {
            case .order(let order): orders[row.id] = order
            case .invoice(let invoice): invoices[row.id] = invoice
            case .payment(let payment): payments[row.id] = payment
            case .decision(let decision): decisions[row.id] = decision
            }
        }
        let totals = state.journal.current
        state.journal = LedgerJournal(current: Ledger(orders: orders, invoices: invoices, payments: payments, creditNotes: totals.creditNotes,
                                                      openReceivables: totals.openReceivables, unappliedCash: totals.unappliedCash))
        state.orderDecisions = decisions
        state.markAllSaved()
    }
}
