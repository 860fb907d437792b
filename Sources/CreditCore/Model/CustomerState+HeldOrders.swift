extension CustomerState {
    /// Whether an order with something left to ship is held: `heldOrdersOldestFirst` without
    /// collecting and sorting them (the store's `has_held_orders` flag, written every batch).
    public var hasHeldOrders: Bool {
        let decisions = orderDecisions
        return journal.current.openOrderIds.contains { decisions[$0]?.status == .held }
    }
}
