extension CustomerState {
    /// A held order as the re-check pass sees it: where its decision sits in `orderDecisions` and
    /// the order's amounts, so that the pass neither copies decisions (each copy retains its
    /// strings and reasons) nor looks an order up twice.
    struct HeldOrderSlot {
        var sequence: Int64
        var orderId: String
        /// Stays valid while decisions are only changed through `orderDecisions.values[decision]`.
        var decision: Dictionary<String, OrderDecision>.Index
        var total: DecimalAmount
        var openAmount: DecimalAmount
    }

    /// What `heldOrdersAndExposure()` returns, as slots: the held orders with something left to
    /// ship in re-check order (first seen, then order id) and the exposure, from one walk.
    func heldOrderSlotsAndExposure() -> (held: [HeldOrderSlot], exposure: DecimalAmount) {
        let ledger = journal.current
        if let book = openOrders.book {
            // Already in order; only the decisions' places are looked up.
            let held = book.held.compactMap { entry in
                orderDecisions.index(forKey: entry.orderId).map {
                    HeldOrderSlot(sequence: entry.sequence, orderId: entry.orderId, decision: $0, total: entry.total, openAmount: entry.openAmount)
                }
            }
            return (held, Exposure(openOrders: book.countedOpen, openReceivables: ledger.openReceivables, unappliedCash: ledger.unappliedCash).total)
        }
        var held: [HeldOrderSlot] = []
        var openOrders = DecimalAmount.zero
        for id in ledger.openOrderIds {
            guard let position = orderDecisions.index(forKey: id) else { continue }
            let status = orderDecisions.values[position].status
            guard let order = ledger.orders[id] else { continue }
            if status == .held {
                held.append(HeldOrderSlot(sequence: orderDecisions.values[position].firstSeenSequence, orderId: id,
                                          decision: position, total: order.total, openAmount: order.openAmount))
            } else {
                openOrders += order.openAmount
            }
        }
        let exposure = Exposure(openOrders: openOrders, openReceivables: ledger.openReceivables, unappliedCash: ledger.unappliedCash)
        if held.count > 1 {
            held.sort { $0.sequence != $1.sequence ? $0.sequence < $1.sequence : $0.orderId < $1.orderId }
        }
        return (held, exposure.total)
    }
}
