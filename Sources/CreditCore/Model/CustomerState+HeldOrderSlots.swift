extension CustomerState {
    /// The held order at `index` of the open-order book's re-check order, nil past the end
    /// (`prepareOpenOrders()` builds the book). Mutating and by index so that the pass reads the
    /// book in place: going through a copy of the book retained and released all of it per step.
    mutating func heldOrder(at index: Int) -> OpenOrderBook.Held? {
        precondition(openOrders.book != nil, "the re-check pass walks the open-order book")
        guard index < openOrders.book!.held.count else { return nil }
        return openOrders.book!.held[index]
    }

    /// See `OpenOrderBook.firstHeldToRecheck`; nil without a book.
    func firstHeldToRecheck(from start: Int, _ codes: (_ total: DecimalAmount, _ openAmount: DecimalAmount) -> HoldReasonCodes)
        -> (index: Int, codes: HoldReasonCodes)? {
        openOrders.book?.firstHeldToRecheck(from: start, codes)
    }

    /// The held orders with something left to ship in re-check order (first seen, then order id),
    /// with their amounts and reason codes, and the exposure: from the open-order book when it is
    /// built (no walk, no copy), else from one walk of the open orders.
    func heldOrderSlotsAndExposure() -> (held: [OpenOrderBook.Held], exposure: DecimalAmount) {
        let ledger = journal.current
        if let book = openOrders.book {
            return (book.held, Exposure(openOrders: book.countedOpen, openReceivables: ledger.openReceivables, unappliedCash: ledger.unappliedCash).total)
        }
        var held: [OpenOrderBook.Held] = []
        var openOrders = DecimalAmount.zero
        for id in ledger.openOrderIds {
            guard let decision = orderDecisions[id], let order = ledger.orders[id] else { continue }
            if decision.status == .held {
                held.append(OpenOrderBook.Held(sequence: decision.firstSeenSequence, orderId: id, total: order.total,
                                               openAmount: order.openAmount, codes: HoldReasonCodes(exactly: decision.reasons)))
            } else {
                openOrders += order.openAmount
            }
        }
        let exposure = Exposure(openOrders: openOrders, openReceivables: ledger.openReceivables, unappliedCash: ledger.unappliedCash)
        if held.count > 1 { held.sort { $0.precedes($1.sequence, $1.orderId) } }
        return (held, exposure.total)
    }
}
