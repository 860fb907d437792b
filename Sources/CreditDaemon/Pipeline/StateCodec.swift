import CreditCore
import CreditStore
import GRDB

/// How a `CustomerState` is stored: the hand-written binary format (see `StateFormat`, tag
/// `C5 02`), in three parts: `customers.state` with the customer's fields and the ledger's
/// totals, a `customer_items` row per decision, order, invoice and payment, and
/// `customer_journals.journal` with the ledger's reorder window. Rows written by earlier
/// versions (the ledger inside the state row; JSON, generic compact `C5 01`) are still read, and
/// written in the current form at the customer's next save.
public enum StateCodec {
    /// The stored customer with its decisions and ledger items, without its window; nil when unknown.
    public static func load(_ db: Database, id: String) throws -> CustomerState? {
        try fetch(db, id: id).map(decode)
    }

    /// A customer's rows as read, not yet decoded: the scheduler reads them on the writer and
    /// decodes them on two threads (`decode(_:)`).
    public struct StoredRows: Sendable {
        public var id: String
        public var state: [UInt8]
        /// The item rows, for a customer whose items are stored apart; nil otherwise.
        public var items: [(kind: ItemKind, id: String, body: [UInt8])]?
    }

    /// The customer's state row and, when its items are stored apart, its item rows.
    public static func fetch(_ db: Database, id: String) throws -> StoredRows? {
        guard let bytes = try CustomerStore.load(db, id: id) else { return nil }
        let items = StateFormat.keepsItemsApart(bytes) ? try CustomerStore.loadItems(db, id: id) : nil
        return StoredRows(id: id, state: bytes, items: items)
    }

    /// The customer of `rows`, without its window. Pure: no database.
    public static func decode(_ rows: StoredRows) throws -> CustomerState {
        var state = try decode(rows.state, customer: rows.id)
        guard let items = rows.items else {
            if state.journal.hasWindow { state.journal.markWindowUnstored() }
            return state
        }
        do {
            try StateFormat.attachItems(items, to: &state)
        } catch {
            throw StoreError(.invalidData, "an item row of customer \(rows.id) cannot be read: \(error)")
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
        let rows = encode(state, today: today, policy: policy, updatedAt: updatedAt, itemsApartFrom: threshold)
        try write(db, rows)
        state.markSaved(window: rows.window)
        state.itemsStoredApart = rows.itemsApart
    }

    /// What `save` writes for one customer, encoded: the scheduler encodes on two threads and
    /// writes on the writer's.
    public struct EncodedRows: Sendable {
        public var id: String
        public var state: [UInt8]
        /// Changed item rows (nil body: deleted); `replaceAll` drops the stored ones first.
        public var items: [(kind: ItemKind, id: String, body: [UInt8]?)]?
        public var replaceAll: Bool
        public var window: LedgerWindow?
        public var flags: CustomerStore.Flags
        public var updatedAt: String
        public var itemsApart: Bool
    }

    /// The rows `save` writes for `state`. Pure: no database.
    public static func encode(_ state: CustomerState, today: LocalDate, policy: Policy, updatedAt: String,
                              itemsApartFrom threshold: Int = itemsApartFrom) -> EncodedRows {
        let apart = state.itemsStoredApart || state.itemCount >= threshold
        var changes: CustomerState.ItemChanges?
        if apart && (!state.itemsStoredApart || state.hasUnsavedItems) {
            // Moving out of the state row writes every item; afterwards, what changed.
            changes = state.itemsStoredApart ? state.unsavedItems() : state.allItems()
        }
        return EncodedRows(id: state.customerId, state: StateFormat.encodeState(state, itemsApart: apart),
                           items: changes.map { $0.items.map { ($0.key.kind, $0.key.id, $0.item.map(StateFormat.encodeItem)) } },
                           replaceAll: changes?.replaceAll ?? false,
                           window: state.journal.windowUnsaved ? state.journal.storedWindow() : nil,
                           flags: flags(state, today: today, policy: policy), updatedAt: updatedAt, itemsApart: apart)
    }

    /// Writes rows made by `encode`.
    public static func write(_ db: Database, _ rows: EncodedRows) throws {
        if let items = rows.items {
            try CustomerStore.saveItems(db, id: rows.id, items, replaceAll: rows.replaceAll)
        }
        try CustomerStore.save(db, id: rows.id, state: rows.state, journal: rows.window.map(StateFormat.encodeWindow),
                               flags: rows.flags, updatedAt: rows.updatedAt)
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
        let (exposure, creditLimit, riskClass) = figures(state, today: today, policy: policy)
        return .init(hasHeldOrders: state.hasHeldOrders, blocked: state.isBlocked, overdue: state.overdue(on: today).count > 0,
                     attentionOn: attentionOn(state, policy: policy, today: today), name: state.name,
                     exposure: exposure, creditLimit: creditLimit, riskClass: riskClass, figuresOn: today)
    }

    /// The top-risk figures as stored: exposure and limit in the credit currency, and the class.
    static func figures(_ state: CustomerState, today: LocalDate, policy: Policy) -> (exposure: String, creditLimit: String?, riskClass: String?) {
        (policy.format(state.exposure().total), state.creditLimit(policy: policy, today: today).map(policy.format), state.riskClass)
    }

    /// The first date on which a scheduler tick can change the customer: the next possible
    /// dunning rise (see `CreditEngine.nextDunningDate`), the day after a temporary limit's
    /// expiry, the day after the review date, the next day time alone can move the score
    /// (`CreditEngine.nextScoringDate`), counted from the day it was last scored: a state saved
    /// on a later day (at the end of a batch, a tick or an operator action that does not rescore)
    /// has not seen the days between. nil: no tick needs to visit it.
    public static func attentionOn(_ state: CustomerState, policy: Policy, today: LocalDate) -> LocalDate? {
        var dates = [CreditEngine.nextDunningDate(state, policy: policy.dunning)]
        dates.append(state.temporaryLimit?.expiresOn.adding(days: 1))
        dates.append(state.reviewDate?.adding(days: 1))
        let scoredThrough = state.scoredOn.map { min($0, today) } ?? today
        dates.append(CreditEngine.nextScoringDate(state, policy: policy, today: scoredThrough))
        return dates.compactMap { $0 }.min()
    }
}
