import CreditCore
import CreditStore
import Foundation
import GRDB

/// Customer states kept decoded between batches, written back once per transaction.
///
/// A hot customer with 500 events in a batch costs one write, and a customer seen again in the
/// next batch costs no read: states stay in memory up to `capacity` customers (least recently
/// used leave first, only when clean). The owner must call `discardAll()` when a transaction
/// rolls back, since the cached values may then be ahead of the database.
struct CustomerCache {
    private var states: [String: Entry] = [:]
    private var dirty: Set<String> = []
    private var generation: UInt64 = 0
    let capacity: Int
    /// See `StateCodec.itemsApartFrom` (tests lower it).
    let itemsApartFrom: Int

    private struct Entry {
        var state: CustomerState?
        var lastUsed: UInt64
    }

    init(capacity: Int = 10_000, itemsApartFrom: Int = StateCodec.itemsApartFrom) {
        self.capacity = max(capacity, 0)
        self.itemsApartFrom = itemsApartFrom
    }

    var count: Int { states.count }

    /// Whether the customer's state is in memory (tests of eviction).
    func holds(_ id: String) -> Bool { states[id] != nil }

    /// The customer's state, moved out of the cache: the caller holds the only reference, so the
    /// engine mutates its ledger in place instead of copying it (a copy per event would make the
    /// cost grow with the customer's history). Hand it back with `update`.
    ///
    /// `withWindow: false` (a scheduler tick, which only reads the ledger) leaves the ledger's
    /// reorder window in storage; an event needs it to fold its entry.
    mutating func state(_ db: Database, _ id: String, policy: Policy, withWindow: Bool = true) throws -> CustomerState {
        var state: CustomerState
        if let cached = states.removeValue(forKey: id)?.state {
            state = cached
        } else if let stored = try StateCodec.load(db, id: id) {
            state = stored
        } else {
            // A new customer: its (empty) window is written with its first save, whatever changed.
            var state = CreditEngine.newCustomer(id: id, policy: policy)
            state.journal.markWindowUnstored()
            return state
        }
        if withWindow && !state.journal.hasWindow {
            guard let window = try CustomerStore.loadJournal(db, id: id) else {
                throw StoreError(.invalidData, "the ledger journal of customer \(id) is missing from the database")
            }
            try StateCodec.attachWindow(window, to: &state)
        }
        return state
    }

    /// True when the customer is known: cached or stored.
    func contains(_ db: Database, _ id: String) throws -> Bool {
        try states[id] != nil || CustomerStore.exists(db, id: id)
    }

    /// A state taken with `state(_:_:policy:)` and left unchanged: back in the cache, not written.
    mutating func putBack(_ state: CustomerState) {
        states[state.customerId] = Entry(state: state, lastUsed: generation)
    }

    /// A changed state. Its ledger's window is written only when the ledger changed (the journal
    /// knows: `LedgerJournal.windowUnsaved`), so a tick or an operator action rewrites the small part.
    mutating func update(_ state: CustomerState) {
        var state = state
        state.dropOpenOrderBook()
        states[state.customerId] = Entry(state: state, lastUsed: generation)
        dirty.insert(state.customerId)
    }

    /// Writes every changed state (in id order, for stable I/O) and trims the cache.
    mutating func flush(_ db: Database, updatedAt: String, today: LocalDate, policy: Policy) throws {
        for id in dirty.sorted() where states[id]?.state != nil {
            try StateCodec.save(db, &states[id]!.state!, today: today, policy: policy, updatedAt: updatedAt, itemsApartFrom: itemsApartFrom)
        }
        dirty.removeAll()
        generation += 1
        trim()
    }

    /// Forgets everything (after a rollback, or when another writer may have changed rows).
    mutating func discardAll() {
        states.removeAll()
        dirty.removeAll()
    }

    private mutating func trim() {
        guard states.count > capacity else { return }
        // Evict down to three quarters so that the sort is rare; least recently used first.
        let keep = capacity * 3 / 4
        let victims = states.sorted { $0.value.lastUsed < $1.value.lastUsed }.prefix(states.count - keep)
        for (id, _) in victims { states.removeValue(forKey: id) }
    }

}

/// How a `CustomerState` is stored: the hand-written binary format (see `StateFormat`, tag
/// `C5 02`), in three parts: `customers.state` with the customer's fields and the ledger's
/// totals, a `customer_items` row per decision, order, invoice and payment, and
/// `customer_journals.journal` with the ledger's reorder window. Rows written by earlier
/// versions (the ledger inside the state row; JSON, generic compact `C5 01`) are still read, and
/// written in the current form at the customer's next save.
public enum StateCodec {
    /// The stored customer with its decisions and ledger items, without its window; nil when unknown.
    public static func load(_ db: Database, id: String) throws -> CustomerState? {
        guard let bytes = try CustomerStore.load(db, id: id) else { return nil }
        var state = try decode(bytes, customer: id)
        guard StateFormat.keepsItemsApart(bytes) else {
            if state.journal.hasWindow { state.journal.markWindowUnstored() }
            return state
        }
        let rows = try CustomerStore.loadItems(db, id: id)
        do {
            try StateFormat.attachItems(rows, to: &state)
        } catch {
            throw StoreError(.invalidData, "an item row of customer \(id) cannot be read: \(error)")
        }
        state.itemsStoredApart = true
        return state
    }

    /// From how many decisions and ledger items a customer's items are stored as rows of their
    /// own. Below it they stay inside the state row: rewriting a small customer's row whole costs
    /// less than an upsert per changed item (`scripts/bench-e2e 30000 10000`, 3 events per
    /// customer, ran 1.2× slower with every customer by item). Above it, a row per item keeps a
    /// busy customer's batch from rewriting its whole history. Once apart, always apart.
    public static let itemsApartFrom = 512

    /// Writes what changed of the customer: its state row, its changed item rows (a large
    /// customer, see `itemsApartFrom`), and its window when an event changed the ledger.
    /// A tick or an operator action, which leave the ledger as it is, does not rewrite the window.
    public static func save(_ db: Database, _ state: inout CustomerState, today: LocalDate, policy: Policy,
                            updatedAt: String, itemsApartFrom threshold: Int = itemsApartFrom) throws {
        let id = state.customerId
        let apart = state.itemsStoredApart || state.itemCount >= threshold
        if apart && (!state.itemsStoredApart || state.hasUnsavedItems) {
            // Moving out of the state row writes every item; afterwards, what changed.
            let changes = state.itemsStoredApart ? state.unsavedItems() : state.allItems()
            try CustomerStore.saveItems(db, id: id, changes.items.map { ($0.key.kind, $0.key.id, $0.item.map(StateFormat.encodeItem)) },
                                        replaceAll: changes.replaceAll)
        }
        let window = state.journal.windowUnsaved ? state.journal.storedWindow() : nil
        try CustomerStore.save(db, id: id, state: StateFormat.encodeState(state, itemsApart: apart), journal: window.map(StateFormat.encodeWindow),
                               flags: flags(state, today: today, policy: policy), updatedAt: updatedAt)
        state.markSaved(window: window)
        state.itemsStoredApart = apart
    }

    /// Every stored customer matching the filter, in id order, with decisions and ledger items.
    public static func loadAll(_ db: Database, filter: CustomerStore.Filter = .init()) throws -> [CustomerState] {
        try CustomerStore.ids(db, filter: filter).compactMap { try load(db, id: $0) }
    }

    public static func attachWindow(_ bytes: [UInt8], to state: inout CustomerState) throws {
        do {
            state.journal.attachWindow(try StateFormat.readWindow(bytes))
        } catch {
            throw StoreError(.invalidData, "the ledger journal of customer \(state.customerId) cannot be read: \(error)")
        }
    }

    public static func decode(_ bytes: [UInt8], customer: String) throws -> CustomerState {
        do {
            return try StateFormat.readState(bytes)
        } catch {
            throw StoreError(.invalidData, "the stored state of customer \(customer) cannot be read: \(error)")
        }
    }

    public static func flags(_ state: CustomerState, today: LocalDate, policy: Policy) -> CustomerStore.Flags {
        .init(hasHeldOrders: state.hasHeldOrders, blocked: state.isBlocked, overdue: state.overdue(on: today).count > 0,
              attentionOn: attentionOn(state, policy: policy, today: today), name: state.name,
              exposure: policy.format(state.exposure().total),
              creditLimit: state.creditLimit(policy: policy, today: today).map(policy.format), riskClass: state.riskClass)
    }

    /// The first date on which a scheduler tick can change the customer: the next possible
    /// dunning rise (see `CreditEngine.nextDunningDate`), the day after a temporary limit's
    /// expiry, the day after the review date, the next day time alone can move the score
    /// (`CreditEngine.nextScoringDate`). nil: no tick needs to visit it.
    public static func attentionOn(_ state: CustomerState, policy: Policy, today: LocalDate) -> LocalDate? {
        var dates = [CreditEngine.nextDunningDate(state, policy: policy.dunning)]
        dates.append(state.temporaryLimit?.expiresOn.adding(days: 1))
        dates.append(state.reviewDate?.adding(days: 1))
        dates.append(CreditEngine.nextScoringDate(state, policy: policy, today: today))
        return dates.compactMap { $0 }.min()
    }
}
