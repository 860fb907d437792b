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

    private struct Entry {
        var state: CustomerState?
        var lastUsed: UInt64
    }

    init(capacity: Int = 10_000) {
        self.capacity = max(capacity, 0)
    }

    var count: Int { states.count }

    /// The customer's state, moved out of the cache: the caller holds the only reference, so the
    /// engine mutates its ledger in place instead of copying it (a copy per event would make the
    /// cost grow with the customer's history). Hand it back with `update`.
    mutating func state(_ db: Database, _ id: String, policy: Policy) throws -> CustomerState {
        if let cached = states[id]?.state {
            states[id]!.state = nil
            return cached
        }
        if let bytes = try CustomerStore.load(db, id: id) {
            return try StateCodec.decode(bytes, customer: id)
        }
        return CreditEngine.newCustomer(id: id, policy: policy)
    }

    /// A state taken with `state(_:_:policy:)` and left unchanged: back in the cache, not written.
    mutating func putBack(_ state: CustomerState) {
        states[state.customerId] = Entry(state: state, lastUsed: generation)
    }

    mutating func update(_ state: CustomerState) {
        states[state.customerId] = Entry(state: state, lastUsed: generation)
        dirty.insert(state.customerId)
    }

    /// Writes every changed state (in id order, for stable I/O) and trims the cache.
    mutating func flush(_ db: Database, updatedAt: String, today: LocalDate) throws {
        for id in dirty.sorted() {
            guard let state = states[id]?.state else { continue }
            try CustomerStore.save(db, id: id, state: try StateCodec.encode(state), flags: StateCodec.flags(state, today: today), updatedAt: updatedAt)
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
        // Entries taken out and never handed back hold nothing: drop them.
        states = states.filter { $0.value.state != nil }
        guard states.count > capacity else { return }
        // Evict down to 90 % so that trimming is rare; oldest generations first.
        let keep = capacity * 9 / 10
        let victims = states.sorted { $0.value.lastUsed < $1.value.lastUsed }.prefix(states.count - keep)
        for (id, _) in victims { states.removeValue(forKey: id) }
    }
}

/// How a `CustomerState` is stored: the compact binary format (see `CompactFormat`); rows written
/// as JSON by earlier versions are still read.
public enum StateCodec {
    public static func encode(_ state: CustomerState) throws -> [UInt8] {
        try CompactEncoder().encode(state)
    }

    public static func decode(_ bytes: [UInt8], customer: String) throws -> CustomerState {
        do {
            if CompactDecoder.recognizes(bytes) {
                return try CompactDecoder().decode(CustomerState.self, from: bytes)
            }
            return try JSONDecoder().decode(CustomerState.self, from: Data(bytes))
        } catch {
            throw StoreError(.invalidData, "the stored state of customer \(customer) cannot be read: \(error)")
        }
    }

    public static func flags(_ state: CustomerState, today: LocalDate) -> CustomerStore.Flags {
        .init(hasHeldOrders: !state.heldOrdersOldestFirst.isEmpty, blocked: state.isBlocked, overdue: state.overdue(on: today).count > 0,
              attentionOn: attentionOn(state))
    }

    /// The first date on which a scheduler tick can change the customer: the day after the
    /// earliest due date of an undisputed open invoice (dunning), after a temporary limit's
    /// expiry, after the review date. nil: no tick needs to visit it.
    public static func attentionOn(_ state: CustomerState) -> LocalDate? {
        var earliest: LocalDate?
        func consider(_ date: LocalDate?) {
            guard let date else { return }
            let next = date.adding(days: 1)
            if earliest.map({ next < $0 }) ?? true { earliest = next }
        }
        let ledger = state.ledger
        for id in ledger.openInvoiceIds {
            if let invoice = ledger.invoices[id], invoice.isCollectible { consider(invoice.dueDate) }
        }
        consider(state.temporaryLimit?.expiresOn)
        consider(state.reviewDate)
        return earliest
    }
}
