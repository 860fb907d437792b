extension CustomerState {
    /// Builds the open-order book unless it is current: the engine calls this before it decides,
    /// and its own changes keep the book current from then on.
    mutating func prepareOpenOrders() {
        if openOrders.book == nil {
            openOrders.book = OpenOrderBook(ledger: journal.current, decisions: orderDecisions)
        }
    }

    /// Folds a ledger entry in (see `LedgerJournal.record`), keeping the book current. An order's
    /// amounts are the fold of the entries that name it, so an entry changes only its own order,
    /// even when the ledger is re-folded: the entries naming any other order keep their order.
    @discardableResult
    mutating func record(_ entry: LedgerEntry, capacity: Int) -> Bool {
        keepingBook(refreshing: entry.payload.ledgerOrderId) { $0.journal.record(entry, capacity: capacity) }
    }

    /// Sets an order's decision, keeping the book current.
    mutating func setDecision(_ decision: OrderDecision) {
        unsavedDecisions.insert(.decision, decision.orderId)
        keepingBook(refreshing: decision.orderId) { $0.decisions[decision.orderId] = decision }
    }

    /// Changes the decision at `index` in place (other indexes stay valid), keeping the book current.
    mutating func updateDecision(at index: [String: OrderDecision].Index, _ change: (inout OrderDecision) -> Void) {
        unsavedDecisions.insert(.decision, decisions.keys[index])
        keepingBook(refreshing: decisions.keys[index]) { change(&$0.decisions.values[index]) }
    }

    /// Replaces a held order's reasons in place (the book keeps their codes), keeping the book current.
    mutating func updateReasons(at index: [String: OrderDecision].Index, _ reasons: [HoldReason]) {
        unsavedDecisions.insert(.decision, decisions.keys[index])
        keepingBook(refreshing: decisions.keys[index]) { $0.decisions.values[index].reasons = reasons }
    }

    /// Runs `change` without the book (a write to the journal drops it), then puts the
    /// book back with `orderId`, the one order the change can have moved, taken in again. The
    /// book is held outside the state meanwhile, so it is changed in place, not copied.
    private mutating func keepingBook<T>(refreshing orderId: String?, _ change: (inout CustomerState) -> T) -> T {
        var book = openOrders.book
        openOrders.book = nil
        let result = change(&self)
        guard book != nil else { return result }
        if let orderId { book!.refresh(orderId, ledger: journal.current, decisions: orderDecisions) }
        openOrders.book = book
        return result
    }

    /// Drops the book: a state kept between batches (the daemon's cache holds a thousand) keeps
    /// only what is stored, and the engine builds the book again in one walk when it next decides.
    public mutating func dropOpenOrderBook() {
        openOrders.book = nil
    }

    /// True when the book is absent or equal to one built afresh (tests check this after every step).
    public var openOrderBookIsCurrent: Bool {
        openOrders.book.map { $0 == OpenOrderBook(ledger: journal.current, decisions: orderDecisions) } ?? true
    }

    /// Whether the book is built (tests make sure both paths are exercised).
    public var hasOpenOrderBook: Bool { openOrders.book != nil }
}

extension InputPayload {
    /// The order whose amounts or openness this entry can change in the ledger (see `Ledger.apply`).
    var ledgerOrderId: String? {
        switch self {
        case .orderCreated(let event): event.orderId
        case .orderAmended(let event): event.orderId
        case .orderCancelled(let event): event.orderId
        case .shipmentShipped(let event): event.orderId
        default: nil
        }
    }
}
