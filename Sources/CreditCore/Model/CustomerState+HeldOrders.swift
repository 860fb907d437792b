extension CustomerState {
    /// Whether an order with something left to ship is held: `heldOrdersOldestFirst` without
    /// collecting and sorting them (the store's `has_held_orders` flag, written every batch).
    public var hasHeldOrders: Bool {
        if let book = openOrders.book { return !book.held.isEmpty }
        let decisions = orderDecisions
        return journal.current.openOrderIds.contains { decisions[$0]?.status == .held }
    }

    /// `heldOrdersOldestFirst` and `exposure().total` from one walk of the open orders: the
    /// re-check pass needs both on every event of a customer, and each walk looks up every decision.
    public func heldOrdersAndExposure() -> (held: [OrderDecision], exposure: DecimalAmount) {
        let ledger = journal.current
        var held: [OrderDecision] = []
        var openOrders = DecimalAmount.zero
        for id in ledger.openOrderIds {
            guard let decision = orderDecisions[id] else { continue }
            if decision.status == .held { held.append(decision) }
            if decision.countsInExposure, let order = ledger.orders[id] { openOrders += order.openAmount }
        }
        let exposure = Exposure(openOrders: openOrders, openReceivables: ledger.openReceivables, unappliedCash: ledger.unappliedCash)
        return (Self.oldestFirst(held), exposure.total)
    }
}
