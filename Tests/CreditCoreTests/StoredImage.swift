@testable import CreditCore
import Testing

/// What a store writing by item would hold for one customer (`CustomerState.unsavedItems`,
/// `LedgerJournal.storedWindow`), without SQLite: `Harness.send` saves into it every few events
/// and checks that the state loaded back from it is the state in memory. A fold or a decision
/// change that does not name the item it changed fails here, on whatever history a test drives.
struct StoredImage {
    var rows: [ItemKey: StoredItem] = [:]
    var window: LedgerWindow?

    mutating func save(_ state: inout CustomerState) {
        let changes = state.unsavedItems()
        if changes.replaceAll { rows = [:] }
        for (key, item) in changes.items { rows[key] = item }
        let written = state.journal.storedWindow()
        window = written
        state.markSaved(window: written)
    }

    /// The customer as loaded from the rows and the window; the customer-level fields and the
    /// ledger's totals come from `state` (the state row, which is written whole).
    func load(like state: CustomerState) -> CustomerState {
        var orders: [String: LedgerOrder] = [:]
        var invoices: [String: Invoice] = [:]
        var payments: [String: PaymentRecord] = [:]
        var decisions: [String: OrderDecision] = [:]
        for (key, item) in rows {
            switch item {
            case .order(let order): orders[key.id] = order
            case .invoice(let invoice): invoices[key.id] = invoice
            case .payment(let payment): payments[key.id] = payment
            case .decision(let decision): decisions[key.id] = decision
            }
        }
        var loaded = state
        let now = state.ledger
        loaded.journal = LedgerJournal(current: Ledger(orders: orders, invoices: invoices, payments: payments, creditNotes: now.creditNotes,
                                                       openReceivables: now.openReceivables, unappliedCash: now.unappliedCash))
        loaded.orderDecisions = decisions
        loaded.markAllSaved()
        if let window { loaded.journal.attachWindow(window) }
        return loaded
    }

    /// Saves and checks the round trip.
    mutating func check(_ state: inout CustomerState, after eventId: String) {
        save(&state)
        let loaded = load(like: state)
        #expect(loaded.orderDecisions == state.orderDecisions, "stored decisions differ after \(eventId)")
        #expect(loaded.ledger == state.ledger, "stored ledger differs after \(eventId)")
        #expect(loaded.journal.base == state.journal.base, "stored window base differs after \(eventId)")
        #expect(loaded.journal == state.journal, "stored journal differs after \(eventId)")
        #expect(loaded.ledger.unsaved.isEmpty && state.ledger.unsaved.isEmpty && state.unsavedDecisions.isEmpty)
    }
}
