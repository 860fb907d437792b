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
    /// Changed states whose stored attention date may be out of date (see `syncAttention`).
    private var attentionStale: Set<String> = []
    /// Changed states whose stored figures may be out of date (see `keepFigures`).
    private var figuresStale: Set<String> = []
    private var generation: UInt64 = 0
    let capacity: Int
    /// See `StateCodec.itemsApartFrom` (tests lower it).
    let itemsApartFrom: Int

    /// A class, so that the dictionary's buckets hold a reference rather than a whole state
    /// (about 900 bytes inline, in every bucket of a table sized for growth, empty or not).
    private final class Entry {
        var state: CustomerState?
        var lastUsed: UInt64

        /// What loading it again would read: its decisions and ledger items. Taken when the
        /// state is put in (a flush only marks it saved), so the trim's sort reads an integer.
        let size: Int

        init(state: CustomerState, lastUsed: UInt64) {
            self.state = state
            self.lastUsed = lastUsed
            size = state.itemCount
        }
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
        if let cached = takeCached(id) {
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

    /// The customer's state moved out of the cache, as `state` does, or nil when it is not in
    /// memory (the scheduler then reads and decodes the stored rows itself, off the cache).
    mutating func takeCached(_ id: String) -> CustomerState? {
        states.removeValue(forKey: id)?.state
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
        attentionStale.insert(state.customerId)
        figuresStale.insert(state.customerId)
    }

    /// Keeps the top-risk figures (exposure, limit, class) of the states changed since they were
    /// last kept, dated `day` (`customer_figures`), without writing the states: when a business
    /// day ends inside a batch, what the day ended with is kept at the cost of a small row per
    /// customer whose figures moved, and the states are written once, at the batch's flush.
    mutating func keepFigures(_ db: Database, on day: LocalDate, policy: Policy) throws {
        var notInHand: Set<String> = []
        for id in figuresStale.sorted() {
            guard let entry = states[id], let state = entry.state else {
                notInHand.insert(id)
                continue
            }
            let figures = StateCodec.figures(state, today: day, policy: policy)
            try CollectionHistory.keepFigures(db, customerId: id, exposure: figures.exposure, creditLimit: figures.creditLimit,
                                              riskClass: figures.riskClass, on: day)
        }
        figuresStale = notInHand
    }

    /// Writes the attention dates of the states changed since the last flush or sync, and not
    /// the states themselves: a scheduler tick inside a batch finds the customers it must visit
    /// by that column, and the states are written once, at the batch's flush, instead of before
    /// every tick the batch passes (a replay of a year passes one a day). A state that has no
    /// row yet is written whole, so that the tick can find it.
    mutating func syncAttention(_ db: Database, updatedAt: String, today: LocalDate, policy: Policy) throws {
        var notInHand: Set<String> = []
        for id in attentionStale.sorted() {
            guard let entry = states[id], entry.state != nil else {
                notInHand.insert(id)
                continue
            }
            if try !CustomerStore.setAttention(db, id: id, on: StateCodec.attentionOn(entry.state!, policy: policy, today: today)) {
                try StateCodec.save(db, &entry.state!, today: today, policy: policy, updatedAt: updatedAt, itemsApartFrom: itemsApartFrom)
                dirty.remove(id)
            }
        }
        attentionStale = notInHand
    }

    /// Writes every changed state (in id order, for stable I/O) and trims the cache.
    mutating func flush(_ db: Database, updatedAt: String, today: LocalDate, policy: Policy) throws {
        for id in dirty.sorted() {
            guard let entry = states[id], entry.state != nil else { continue }
            try StateCodec.save(db, &entry.state!, today: today, policy: policy, updatedAt: updatedAt, itemsApartFrom: itemsApartFrom)
        }
        dirty.removeAll()
        attentionStale.removeAll()
        figuresStale.removeAll()
        generation += 1
        trim()
    }

    /// Forgets everything (after a rollback, or when another writer may have changed rows).
    mutating func discardAll() {
        states.removeAll()
        dirty.removeAll()
        attentionStale.removeAll()
        figuresStale.removeAll()
    }

    private mutating func trim() {
        guard states.count > capacity else { return }
        // Evict down to three quarters so that the sort is rare; least recently used first, and
        // among customers last used in the same batch (most of them, after a large one) the
        // smallest first: a customer stored by item costs a read of every item row to load again.
        let keep = capacity * 3 / 4
        let victims = states.sorted { ($0.value.lastUsed, $0.value.size) < ($1.value.lastUsed, $1.value.size) }
            .prefix(states.count - keep)
        for (id, _) in victims { states.removeValue(forKey: id) }
    }

}
